/**
 * What a projection's records should be, folded in memory from the stream by the projection's
 * own kinds (the worker's evolve functions): the whole state of every record, and of every line
 * only what comparing and re-inserting need (its key, the event that made it, a digest).
 */
import { compareEntryIds, type EntryId } from '@/events/entryId'
import type { ChatEvent } from '@/events/types'
import type { WithBookkeeping, Evolve } from '@/projections/define'
import { kindsOf, type LineEntry, type RecordEntry } from '@/store/kinds'
import type { StoredProjection } from '@/store/types'

import { digestOf } from './compare'
import { EntryFailed } from './control'
import { noneSkipped } from './streamReader'

/**
 * A copy of a string in one piece. A key built by concatenation (`<cid>:<type>:<seq>`) is held
 * as a tree of its pieces, which keeps the event's own strings alive too: at a million events,
 * hundreds of thousands of line keys kept to the end, about twice the memory of flat copies.
 */
const flatCopy = (text: string): string => Buffer.from(text).toString()

export type LineTarget = { eventId: EntryId; digest: string; parentKey: string }

/**
 * A line kind's targets by key, each packed in one string (`<entry id> <digest> <parent>`, the
 * parent as an index): hundreds of thousands of lines at a million events, so a third of the
 * fold's memory as objects.
 */
export class LineTargets {
  private readonly packed = new Map<string, string>()
  private readonly parents: string[] = []
  private readonly parentIndex = new Map<string, number>()

  get size(): number {
    return this.packed.size
  }

  keys(): IterableIterator<string> {
    return this.packed.keys()
  }

  has(key: string): boolean {
    return this.packed.has(key)
  }

  get(key: string): LineTarget | undefined {
    const packed = this.packed.get(key)
    if (packed === undefined) return undefined
    const [eventId, digest, parent] = packed.split(' ') as [EntryId, string, string]
    return { eventId, digest, parentKey: this.parents[Number(parent)]! }
  }

  /** The entry id of the line's kept copy, without unpacking the rest. */
  eventIdOf(key: string): EntryId | undefined {
    const packed = this.packed.get(key)
    return packed === undefined ? undefined : (packed.slice(0, packed.indexOf(' ')) as EntryId)
  }

  set(key: string, { eventId, digest, parentKey }: LineTarget): void {
    let parent = this.parentIndex.get(parentKey)
    if (parent === undefined) {
      parent = this.parents.push(parentKey) - 1
      this.parentIndex.set(parentKey, parent)
    }
    this.packed.set(flatCopy(key), flatCopy(`${eventId} ${digest} ${parent}`))
  }
}

/**
 * What each line kind makes of some events, by kind: four strings a line (key, entry id, digest,
 * parent key), in stream order, every copy of a retried line included. Digesting is a third of
 * the fold's work, so the stream reader thread makes these beside parsing (one flat array of
 * strings a page costs little to pass between threads); `ExpectedProjection.add` makes them itself otherwise.
 */
export type LineFacts = Record<string, string[]>

export function lineFactsOf(lines: LineEntry[], events: ChatEvent[]): LineFacts {
  const facts: LineFacts = {}
  for (const { name, kind, store } of lines) {
    const made: string[] = (facts[name] = [])
    for (const event of events) {
      try {
        const key = kind.keyOf(event)
        if (key === undefined) continue
        const line = (kind.evolve as Evolve<unknown>)(undefined, event)
        if (line === undefined) continue
        made.push(key, event.entryId, digestOf(store.toRow(line)), kind.parentKeyOf(line))
      } catch (error) {
        throw new EntryFailed(event.entryId, 'folding', error)
      }
    }
  }
  return facts
}

/** The records and lines the stream justifies, folded so far (see the top of this file). */
export class ExpectedProjection {
  readonly records: RecordEntry[]
  readonly lines: LineEntry[]
  /** kind → key → state. */
  readonly states = new Map<string, Map<string, WithBookkeeping>>()
  /** line kind → key → what the line should be. */
  readonly lineTargets = new Map<string, LineTargets>()
  events = 0
  /** Malformed entries read, so not folded. */
  readonly skipped = noneSkipped()

  constructor(readonly stored: StoredProjection) {
    const { records, lines } = kindsOf(stored)
    this.records = records
    this.lines = lines
    for (const { name } of records) this.states.set(name, new Map())
    for (const { name } of lines) this.lineTargets.set(name, new LineTargets())
  }

  /**
   * Folds events in (any order, any repeats: the folds do not mind); their lines from `facts`
   * when the reader made them (see LineFacts). A fold that throws stops it with EntryFailed.
   */
  add(events: ChatEvent[], facts: LineFacts = lineFactsOf(this.lines, events)): void {
    for (const event of events) {
      this.events++
      try {
        for (const { name, kind } of this.records) {
          const key = kind.keyOf(event)
          if (key === undefined) continue
          const states = this.states.get(name)!
          const before = states.get(key)
          const next = (kind.evolve as Evolve<WithBookkeeping>)(before, event)
          if (next !== undefined && next !== before) states.set(key, next)
        }
      } catch (error) {
        throw new EntryFailed(event.entryId, 'folding', error)
      }
    }
    for (const entry of this.lines) {
      const targets = this.lineTargets.get(entry.name)!
      // (a kind the reader did not make lines for, made here)
      const made = facts[entry.name] ?? lineFactsOf([entry], events)[entry.name]!
      for (let i = 0; i < made.length; i += 4) {
        const key = made[i]!
        const eventId = made[i + 1]! as EntryId
        const kept = targets.eventIdOf(key)
        // The first copy of a line is the one kept (as the folds keep it): a later copy loses to it.
        if (kept !== undefined && compareEntryIds(kept, eventId) <= 0) continue
        targets.set(key, { eventId, digest: made[i + 2]!, parentKey: made[i + 3]! })
      }
    }
  }

  /** How many records (and lines) the projection should hold. */
  get size(): number {
    let size = 0
    for (const states of this.states.values()) size += states.size
    for (const targets of this.lineTargets.values()) size += targets.size
    return size
  }
}
