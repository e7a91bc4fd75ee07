/**
 * Rebuild: the same fold, then the stored records a page at a time, each one that differs written
 * through the worker's own writer, conditional on its version (old → new, never a half), while
 * the live worker goes on: a page is loaded, then the fold catches up with everything the stream
 * holds by then, so the state written includes every event the live worker could have applied to
 * what was loaded; a live write in between makes the write conflict, and the page is taken again.
 * Wrong lines are replaced in place; records and lines the stream does not justify are removed;
 * missing ones are created. Changes are announced on the change feed. Killed at any point, it
 * leaves each record either as it was or as rebuilt, and a new run redoes only what still differs.
 */
import { ValidationError } from 'payload'

import type { WithBookkeeping } from '@/projections/define'
import { storedLines } from '@/store/lines'
import {
  announceLines,
  announceRecords,
  announceRemovals,
  type KindWrite,
  writeKind,
  writeLineKind,
} from '@/store/records'
import { writerFor, type WriteTransaction } from '@/store/writer'
import { isTransient } from '@/lib/failures'
import { WriteConflict } from '@/store/errors'
import { setStoredVersion } from '@/lib/checkpoint'

import { differingFields } from './compare'
import { type Skipped } from './streamReader'
import { type ExpectedProjection } from './target'
import type { Checkpoint } from './control'
import { readThreaded } from './threadedReader'
import {
  pageSize,
  type JobContext,
  type Row,
  type RecordEntry,
  type LineEntry,
  threadOptions,
  foldStream,
  catchUp,
  idsOf,
  expectedColumns,
  storedPages,
  lineSelect,
  unstored,
  lineFields,
  learnIds,
  recordStoreOf,
  resolveLinks,
  loadWhole,
  namingTheEntry,
  publish,
} from './diff'

export type RebuildReport = {
  events: number
  /** Malformed entries (the worker dead-lettered them), not folded. */
  skipped: Skipped
  upTo: string
  kinds: Record<string, { updated: number; created: number; removed: number; unchanged: number }>
  /** A first build: the entry after which the projection's new consumer group starts (the fold's last). */
  groupCreatedAt?: string
}

/** Runs `work` in one transaction of the writer, fenced by the job's token: a job that lost its lock writes nothing. */
const fencedWrite = <T>(context: JobContext, work: (tx: WriteTransaction) => Promise<T>): Promise<T> =>
  writerFor(context.payload).transaction('rebuild', work, { fence: context.run.fence })

/** Each kind's page writer, by kind: a later kind writes the records it links to that nobody stored yet. */
type Writers = Map<string, (keys: string[]) => Promise<void>>

/**
 * Rewrites one kind: every stored record that differs from the target, then the missing ones.
 * Returns the keys of stored records the stream does not justify (removed after the lines).
 */
async function rebuildRecords(
  context: JobContext,
  target: ExpectedProjection,
  entry: RecordEntry,
  ids: Map<string, Map<string, number | string>>,
  position: { at: string },
  counts: RebuildReport['kinds'][string],
  writers: Writers,
  /** Where a killed run left this kind: done, or done up to a key; null to start at its beginning. */
  resume: 'done' | string | null,
): Promise<string[]> {
  const states = target.states.get(entry.name)!
  const { store } = entry
  const extra: string[] = []
  const seen = new Set<string>()
  const version = context.store.projection.version

  /**
   * Writes the linked records the target holds and the database does not: an event caught up
   * after the linked kind's pass can name a record the live worker has not created yet, and the
   * live worker, finding this record already as the rebuild wrote it, would never link it.
   */
  const writeLinked = async (keys: string[]) => {
    for (const link of store.links ?? []) {
      const known = ids.get(link.to)!
      const linked = target.states.get(link.to)!
      const unknown = new Set<string>()
      for (const key of keys) {
        const state = states.get(key)
        const linkKey = state ? link.keyOf(state) : null
        if (linkKey !== null && !known.has(linkKey) && linked.has(linkKey)) unknown.add(linkKey)
      }
      if (unknown.size === 0) continue
      await writers.get(link.to)!([...unknown])
      // (the live worker may have written one meanwhile, and then the rebuild left it as it was)
      await learnIds(context.payload, recordStoreOf(context.store, link.to), unknown, known)
    }
  }

  /** Writes the records of `keys` that differ, each conditional on the version it was loaded at. */
  const writePage = async (keys: string[], loadedRows?: Map<string, Row>) => {
    for (let attempt = 1; ; attempt++) {
      // Loaded first, then caught up: the target holds every event the loaded records can show.
      const rows = loadedRows ?? (await loadWhole(context.payload, store, keys))
      loadedRows = undefined
      position.at = await catchUp(context, target, position.at)
      await resolveLinks(
        context,
        entry,
        keys.flatMap((key) => states.get(key) ?? []),
        ids,
      )
      await writeLinked(keys)
      const writes: Array<KindWrite<WithBookkeeping>> = []
      for (const key of keys) {
        const state = states.get(key)
        if (!state) continue
        const row = rows.get(key)
        const columns = expectedColumns(entry, state, target, ids)
        if (row && differingFields({ state, columns }, row).length === 0) {
          counts.unchanged++
          continue
        }
        const stored = row ? { id: row.id as number | string, version: Number(row.version ?? 0) } : undefined
        writes.push({ key, stored, state, row: columns })
      }
      try {
        const changes = await fencedWrite(context, (tx) => writeKind(tx, store, writes))
        for (const change of changes) {
          ids.get(entry.name)!.set(change.key, change.id)
          if (change.operation === 'update') counts.updated++
          else counts.created++
        }
        await publish(context, announceRecords(store, changes))
        await context.run.report({ written: context.run.progress.written + writes.length })
        return
      } catch (error) {
        // A live write got there first, or the live worker created a record this page found missing
        // (the create then breaks a unique index: Payload's ValidationError): take the page again.
        const raced = error instanceof WriteConflict || error instanceof ValidationError || isTransient(error)
        if (attempt >= 5 || !raced) throw error
      }
    }
  }

  writers.set(entry.name, (keys) => writePage(keys))
  if (resume !== null) {
    // Compared (and written where they differed) by the killed run: skipped, and counted as compared.
    // (Keys are ASCII ids: the database's order of them is JavaScript's.)
    let skipped = 0
    for (const key of ids.get(entry.name)!.keys()) {
      if (resume !== 'done' && key > resume) continue
      seen.add(key)
      if (!states.has(key)) extra.push(key)
      skipped++
    }
    await context.run.report({ phase: 'writing', compared: context.run.progress.compared + skipped })
  }
  const pages = resume === 'done' ? [] : storedPages(context.payload, store, resume ?? undefined)
  for await (const rows of pages) {
    const byKey = new Map(rows.map((row) => [String(row[store.keyField]), row]))
    for (const key of byKey.keys()) seen.add(key)
    await writePage([...byKey.keys()], byKey)
    for (const key of byKey.keys()) if (!states.has(key)) extra.push(key)
    const checkpoint: Checkpoint = { version, kind: entry.name, after: [...byKey.keys()].at(-1)! }
    await context.run.report({
      phase: 'writing',
      compared: context.run.progress.compared + rows.length,
      checkpoint: JSON.stringify(checkpoint),
    })
    await context.run.checkpoint()
  }
  position.at = await catchUp(context, target, position.at)
  const missing = [...states.keys()].filter((key) => !seen.has(key))
  for (let i = 0; i < missing.length; i += pageSize()) {
    const keys = missing.slice(i, i + pageSize())
    await writePage(keys)
    // (each one compared with its absence: the phase's figures and ETA move while it writes them)
    await context.run.report({ compared: context.run.progress.compared + keys.length })
    await context.run.checkpoint()
  }
  return extra
}

/**
 * Lines: inserts the missing, replaces the wrong in place (one write each: a reader never sees
 * one missing, and the change feed says "changed"), removes those the stream does not justify.
 */
async function rebuildLines(
  context: JobContext,
  target: ExpectedProjection,
  entry: LineEntry,
  ids: Map<string, Map<string, number | string>>,
  position: { at: string },
  counts: RebuildReport['kinds'][string],
) {
  const { payload, redis, stream } = context
  const targets = target.lineTargets.get(entry.name)!
  const parents = ids.get(entry.kind.parent)!
  let found = 0
  const wrong: string[] = []
  const extra: string[] = []
  const parentStore = recordStoreOf(context.store, entry.kind.parent)
  for await (const rows of storedLines(payload, entry.store.collection, lineSelect(entry.store), pageSize())) {
    // A line's parent may be a record the live worker created since the ids were read.
    await learnIds(
      payload,
      parentStore,
      rows.flatMap((row) => targets.get(String(row.key))?.parentKey ?? []),
      parents,
    )
    for (const row of rows) {
      const key = String(row.key)
      const expected = targets.get(key)
      if (!expected) {
        extra.push(key)
        continue
      }
      found++
      if (lineFields(entry, expected, row, parents).length) wrong.push(key)
      else counts.unchanged++
    }
    await context.run.report({ phase: 'writing', compared: context.run.progress.compared + rows.length })
    await context.run.checkpoint()
  }
  // Lines the live worker wrote for events that came after the fold are justified by now.
  position.at = await catchUp(context, target, position.at)
  const missing = await unstored(payload, entry, targets, found)
  const remove = extra.filter((key) => !targets.has(key))
  for (let i = 0; i < remove.length; i += pageSize()) {
    const keys = remove.slice(i, i + pageSize())
    counts.removed += await fencedWrite(context, (tx) => tx.removeLines(entry.store.collection, keys))
  }
  // The lines to insert, each made again from the event that made it (read back by its entry id).
  const insert = [...wrong, ...missing]
  const missingKeys = new Set(missing)
  const pages: string[][] = []
  for (let i = 0; i < insert.length; i += pageSize()) pages.push(insert.slice(i, i + pageSize()))
  // Each page's entry ids made as the reader asks for it: they are not all held at once.
  const entries = (function* () {
    for (const keys of pages) yield keys.map((key) => targets.eventIdOf(key)!)
  })()
  let page = 0
  const reading = pages.length === 0 ? [] : readThreaded(redis, stream, { entries }, threadOptions(payload))
  for await (const { events } of reading) {
    const keys = new Set(pages[page++])
    await learnIds(
      payload,
      parentStore,
      [...keys].map((key) => targets.get(key)!.parentKey),
      parents,
    )
    const lines = events.flatMap((event) => {
      const line = entry.kind.evolve(undefined, event)
      const key = entry.kind.keyOf(event)
      if (line === undefined || key === undefined || !keys.has(key)) return []
      const parent = parents.get(entry.kind.parentKeyOf(line))
      return parent === undefined ? [] : [{ key, line, parent }]
    })
    const write = async (part: typeof lines) => {
      const written = await fencedWrite(context, (tx) => writeLineKind(tx, entry.store, part, { replace: true }))
      for (const change of written) {
        if (change.operation === 'update') counts.updated++
        else counts.created++
      }
      await publish(context, announceLines(entry.store, written))
    }
    await namingTheEntry(lines, write, (line) => targets.eventIdOf(line.key)!, 'writing the line of')
    const absent = [...keys].filter((key) => missingKeys.has(key)).length
    await context.run.report({
      written: context.run.progress.written + lines.length,
      compared: context.run.progress.compared + absent,
    })
    await context.run.checkpoint()
  }
}

/**
 * Removes the records the stream does not justify, announcing each removal: each one only if it
 * is still unjustified after a last catch-up, and still at the version it was found at.
 */
async function removeRecords(
  context: JobContext,
  target: ExpectedProjection,
  entry: RecordEntry,
  keys: string[],
  counts: RebuildReport['kinds'][string],
) {
  const { store } = entry
  const states = target.states.get(entry.name)!
  const unjustified = keys.filter((key) => !states.has(key))
  for (let i = 0; i < unjustified.length; i += pageSize()) {
    const rows = await loadWhole(context.payload, store, unjustified.slice(i, i + pageSize()))
    const found = [...rows.values()].map((row) => ({
      id: row.id as number | string,
      version: Number(row.version ?? 0),
    }))
    const removed = await fencedWrite(context, (tx) => tx.removeRecords(store.collection, found))
    counts.removed += removed.length
    const keyOf = new Map([...rows].map(([key, row]) => [String(row.id), key]))
    await publish(
      context,
      announceRemovals(
        store,
        removed.map((id) => ({ id, key: keyOf.get(String(id))! })),
      ),
    )
  }
}

/** Recomputes the projection from the whole stream while it stays live (see the top of this file). */
export async function rebuild(context: JobContext): Promise<RebuildReport> {
  const { target, last } = await foldStream(context)
  const position = { at: last }
  await context.run.report({ phase: 'writing', records: target.size }, true)
  const ids = new Map<string, Map<string, number | string>>()
  for (const entry of target.records) ids.set(entry.name, await idsOf(context.payload, entry.store))
  const report: RebuildReport = { events: target.events, skipped: target.skipped, upTo: last, kinds: {} }
  const extras = new Map<string, string[]>()
  for (const entry of [...target.records, ...target.lines]) {
    report.kinds[entry.name] = { updated: 0, created: 0, removed: 0, unchanged: 0 }
  }
  const writers: Writers = new Map()
  // A killed run's checkpoint: the kinds before its kind are done, and its kind up to a key.
  const { version } = context.store.projection
  const resume = context.run.resumeAt(version)
  const kinds = target.records.map(({ name }) => name)
  const resumeAt = !resume ? -1 : resume.kind === '' ? kinds.length : kinds.indexOf(resume.kind)
  for (const [index, entry] of target.records.entries()) {
    const counts = report.kinds[entry.name]!
    const from = index < resumeAt ? 'done' : index === resumeAt ? resume!.after : null
    extras.set(entry.name, await rebuildRecords(context, target, entry, ids, position, counts, writers, from))
    const next: Checkpoint = { version, kind: kinds[index + 1] ?? '', after: null }
    await context.run.report({ checkpoint: JSON.stringify(next) }, true)
  }
  for (const entry of target.lines) await rebuildLines(context, target, entry, ids, position, report.kinds[entry.name]!)
  await context.run.report({ phase: 'catching up' }, true)
  position.at = await catchUp(context, target, position.at)
  for (const entry of [...target.records].reverse()) {
    await removeRecords(context, target, entry, extras.get(entry.name)!, report.kinds[entry.name]!)
  }
  report.events = target.events
  report.upTo = position.at
  const { group } = context.store.projection
  await setStoredVersion(context.redis, context.stream, group, version)
  // A first build (the projection has no consumer group yet): its group starts right after the
  // fold's last entry, before any write. Later events the rebuild caught up with are in some records
  // and not in others (each page took those up to its own catch-up); its workers take them all
  // again, and a record that has one already leaves it as it is (the fold is idempotent per entry).
  try {
    await context.redis.xgroup('CREATE', context.stream, group, last === '0-0' ? '0' : last, 'MKSTREAM')
    report.groupCreatedAt = last
  } catch (error) {
    if (!String((error as Error).message).includes('BUSYGROUP')) throw error
  }
  return report
}
