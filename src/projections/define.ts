/**
 * How a projection is declared: a name, a version, its consumer group, and the kinds of record
 * it keeps, each with the key an event names it by and a pure `evolve`. The worker, the oracle
 * (`fold` below), the change feed and rebuilds all loop over these declarations; how each kind
 * is stored is declared beside them, in src/store.
 */
import type { EntryId } from '@/events/entryId'
import type { ChatEvent } from '@/events/types'

import {
  type AppliedEvents,
  hasApplied,
  laterCopy,
  markApplied,
  noneApplied,
  type RetryKey,
  retryKeyOf,
  withCopy,
} from './appliedEvents'
import { sortedKeys } from './registers'

/** What every record keeps in its hidden `projection` field, whatever else its kind keeps there. */
export type Bookkeeping = { stamps: Partial<Record<string, EntryId>>; applied?: AppliedEvents }

export type WithBookkeeping = { projection: Bookkeeping }

/** state + event → state; `state` itself when the event changes nothing; undefined: no record. */
export type Evolve<State> = (state: State | undefined, event: ChatEvent) => State | undefined

// Kinds declare their functions as methods: a kind of a particular state is then a Kind.

/** Records: one per key, changed in place, each write conditional on the version it read. */
export type RecordKind<State extends WithBookkeeping = WithBookkeeping> = {
  storage: 'record'
  keyOf(event: ChatEvent): string | undefined
  evolve(state: State | undefined, event: ChatEvent): State | undefined
}

/** Lines: one per key, written once and never changed (transcript lines); each belongs to a record. */
export type LineKind<Line = unknown> = {
  storage: 'line'
  keyOf(event: ChatEvent): string | undefined
  evolve(line: Line | undefined, event: ChatEvent): Line | undefined
  /** The record kind a line belongs to, and that record's key. */
  parent: string
  parentKeyOf(line: Line): string
}

export type Kind = RecordKind | LineKind

export type StateOf<K> = K extends RecordKind<infer State> ? State : K extends LineKind<infer Line> ? Line : never

export type Projection<Kinds extends Record<string, Kind> = Record<string, Kind>> = {
  name: string
  /**
   * Bumped whenever the same events would give different records (a new field, a fixed fold):
   * deployed code whose version differs from the stored projection's says a rebuild is due.
   */
  version: number
  /** The Redis consumer group on chatLedger that feeds it. */
  group: string
  /** In write order: a kind may link to the kinds before it. */
  kinds: Kinds
}

export const defineProjection = <Kinds extends Record<string, Kind>>(projection: Projection<Kinds>) => projection

/** Every record of a projection by kind and key. */
export type Folded<P extends Projection> = { [Name in keyof P['kinds']]: Map<string, StateOf<P['kinds'][Name]>> }

/**
 * A kind that keeps entry ids of its own besides `stamps` (the noticeboard's posts): how to find
 * the later copy of a retried event among them, and how to put the earlier copy in its place.
 */
export type HeldEntries<State> = {
  laterCopyOf: (state: State, event: ChatEvent) => EntryId | undefined
  rename: (state: State, from: EntryId, to: EntryId) => State
}

export type EachEventOnceOptions<State> = {
  /**
   * Whether the event counts for this record (the others may only create it or set a link, which
   * is idempotent by itself). Each counted event is recorded as applied, whether or not it changed
   * a field, so the record's bookkeeping is the same whatever order its events came in.
   */
  counts: (event: ChatEvent, state: State | undefined) => boolean
  held?: HeldEntries<State>
  /** Fields made from the stamps (a record's stream position), made again when a copy moves them. */
  restamped?: (state: State) => State
}

/** Only the copies a register still holds are worth keeping: an overwritten write never moves again. */
function heldCopies(applied: AppliedEvents, stamps: Bookkeeping['stamps']): AppliedEvents {
  const all = Object.entries(applied.copies)
  if (all.length === 0) return applied
  const held = new Set(Object.values(stamps))
  const copies = all.filter(([, entryId]) => held.has(entryId))
  if (copies.length === all.length) return applied
  return { ...applied, copies: Object.fromEntries(copies) }
}

/** The earlier copy of a retry takes the later one's place in every register the later one holds. */
function renameCopy<State extends WithBookkeeping>(
  state: State,
  applied: AppliedEvents,
  key: RetryKey,
  from: EntryId,
  to: EntryId,
): State {
  const { stamps } = state.projection
  const renamed = sortedKeys(
    Object.fromEntries(Object.entries(stamps).map(([name, at]) => [name, at === from ? to : at])),
  )
  const copies = heldCopies(withCopy(applied, key, to), renamed)
  return { ...state, projection: { ...state.projection, stamps: renamed, applied: copies } }
}

/**
 * Each event changes a record once. A redelivery, or a producer's retry of an event the record
 * has taken, changes nothing; the earlier copy of a retry arriving after the later one (a
 * reclaimed batch) takes the later one's place. Events that do not count for the kind (a
 * customer named by a transcript line) pass the record by and cost it no write.
 *
 * One case stays order-dependent, and no fold without a record's full history could avoid it:
 * the later copy of a retry applied first, then another write to the same register that lies
 * between the two copies in the stream. That needs a reclaimed batch to split a retry (the
 * producer retries within milliseconds) and a second write to the same field in that gap.
 */
export function applyingEachEventOnce<State extends WithBookkeeping>(
  evolve: Evolve<State>,
  { counts, held, restamped = (state) => state }: EachEventOnceOptions<State>,
): Evolve<State> {
  return (state, event) => {
    if (!counts(event, state)) {
      // A link set by an event that does not count can still take a register from a copy.
      const next = evolve(state, event)
      const applied = next?.projection.applied
      if (!next || next === state || !applied) return next
      return { ...next, projection: { ...next.projection, applied: heldCopies(applied, next.projection.stamps) } }
    }
    const key = retryKeyOf(event)
    const applied = state?.projection.applied ?? noneApplied()
    if (state && hasApplied(applied, key)) {
      const copy = laterCopy(applied, key, event.entryId)
      const heldCopy = held?.laterCopyOf(state, event)
      if (copy === undefined && heldCopy === undefined) return state
      const moved = heldCopy === undefined || !held ? state : held.rename(state, heldCopy, event.entryId)
      return restamped(copy === undefined ? moved : renameCopy(moved, applied, key, copy, event.entryId))
    }
    const next = evolve(state, event)
    if (next === undefined) return next
    const { stamps } = next.projection
    const marked = markApplied(next.projection.applied ?? applied, key)
    const wrote = key.seq !== undefined && Object.values(stamps).includes(event.entryId)
    const kept = heldCopies(wrote ? withCopy(marked, key, event.entryId) : marked, stamps)
    // Sorted, so the bookkeeping of equal records serialises alike whatever order built it.
    return { ...next, projection: sortedKeys({ ...next.projection, applied: kept }) }
  }
}

/**
 * The oracle: every event folded once through the projection's own evolve functions. Given in
 * stream order it is the truth the database must match; since the folds ignore order and
 * repeats, any order with any repeats gives the same result.
 */
export function fold<P extends Projection>(projection: P, events: Iterable<ChatEvent>): Folded<P> {
  const kinds: Array<[string, Kind]> = Object.entries(projection.kinds)
  const folded = Object.fromEntries(kinds.map(([name]) => [name, new Map<string, unknown>()])) as Record<
    string,
    Map<string, unknown>
  >
  for (const event of events) {
    for (const [name, kind] of kinds) {
      const key = kind.keyOf(event)
      if (key === undefined) continue
      const records = folded[name]!
      const next = (kind.evolve as Evolve<unknown>)(records.get(key), event)
      if (next !== undefined) records.set(key, next)
    }
  }
  return folded as Folded<P>
}
