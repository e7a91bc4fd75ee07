/**
 * Verify: folds the whole stream in memory with the projection's own kinds and compares every
 * stored record and line with it; it writes nothing. What does not match is read again once the
 * live worker and the fold have both caught up with the stream, before it counts as drift.
 */

import { compareEntryIds, type EntryId } from '@/events/entryId'
import { storedLines } from '@/store/lines'
import { groupProgress } from '@/lib/checkpoint'

import { type Skipped, streamExtent } from './streamReader'
import { type ExpectedProjection } from './target'
import {
  pageSize,
  type JobContext,
  type Row,
  type RecordEntry,
  type LineEntry,
  type Suspects,
  type Compared,
  noSuspects,
  suspectCount,
  suspectKeys,
  sortInto,
  foldStream,
  catchUp,
  idsOf,
  storedPages,
  lineSelect,
  recordVerdict,
  unstored,
  lineVerdict,
  learnIds,
  recordStoreOf,
  resolveLinks,
  loadWhole,
} from './diff'

/** A kind's drift: how many records are missing, extra and different, and (the first 50 of each) which. */
export type KindDrift = {
  expected: number
  stored: number
  counts: { missing: number; extra: number; differing: number }
  missing: string[]
  extra: string[]
  differing: Array<{ key: string; fields: string[] }>
}

export type Drift = {
  kinds: Record<string, KindDrift>
  events: number
  /** Malformed entries (the worker dead-lettered them), not folded. */
  skipped: Skipped
  upTo: string
}

/** How many of each list a report names (the counts are exact). */
const NAMED = 50

/** A kind's drift as reported: exact counts, and the first NAMED keys of each. */
const driftOf = ({ expected, stored, suspects: { missing, extra, differing } }: Compared): KindDrift => ({
  expected,
  stored,
  counts: { missing: missing.size, extra: extra.size, differing: differing.size },
  missing: [...missing].slice(0, NAMED),
  extra: [...extra].slice(0, NAMED),
  differing: [...differing].slice(0, NAMED).map(([key, fields]) => ({ key, fields })),
})

/** Compares a kind's stored records with the target. */
async function compareRecords(
  context: JobContext,
  target: ExpectedProjection,
  entry: RecordEntry,
  ids: Map<string, Map<string, number | string>>,
): Promise<Compared> {
  const suspects = noSuspects()
  const states = target.states.get(entry.name)!
  const expected = states.size
  const seen = new Set<string>()
  for await (const rows of storedPages(context.payload, entry.store)) {
    for (const row of rows) {
      const key = String(row[entry.store.keyField])
      seen.add(key)
      sortInto(suspects, key, recordVerdict(entry, target, ids, states.get(key), row))
    }
    await context.run.report({ phase: 'comparing', compared: context.run.progress.compared + rows.length })
    await context.run.checkpoint()
  }
  for (const key of states.keys()) if (!seen.has(key)) suspects.missing.add(key)
  return { expected, stored: seen.size, suspects }
}

async function compareLines(
  context: JobContext,
  target: ExpectedProjection,
  entry: LineEntry,
  ids: Map<string, Map<string, number | string>>,
): Promise<Compared> {
  const suspects = noSuspects()
  const targets = target.lineTargets.get(entry.name)!
  const parents = ids.get(entry.kind.parent)!
  const expected = targets.size
  let stored = 0
  let found = 0
  for await (const rows of storedLines(context.payload, entry.store.collection, lineSelect(entry.store), pageSize())) {
    for (const row of rows) {
      const key = String(row.key)
      const line = targets.get(key)
      stored++
      if (line) found++
      sortInto(suspects, key, lineVerdict(entry, line, row, parents))
    }
    await context.run.report({ phase: 'comparing', compared: context.run.progress.compared + rows.length })
    await context.run.checkpoint()
  }
  for (const key of await unstored(context.payload, entry, targets, found)) suspects.missing.add(key)
  return { expected, stored, suspects }
}

/** Whether any kind drifted. */
export const hasDrift = (drift: Drift) =>
  Object.values(drift.kinds).some(({ counts }) => counts.missing + counts.extra + counts.differing > 0)

/** Rounds of reading again what did not match, each once the live worker has projected the stream's new end. */
const RECHECK_ROUNDS = 3

/** The longest a round waits for the live worker, and the longest it waits while the worker does not move. */
const WORKER_WAIT_MS = 10_000

const WORKER_STILL_MS = 1_000

/**
 * Waits until the projection's live worker has projected the stream up to `end`: not beyond
 * WORKER_WAIT_MS, nor WORKER_STILL_MS while it does not move (no worker runs, or it waits out an outage).
 */
async function liveWorkerAt({ redis, stream, store }: JobContext, end: EntryId): Promise<void> {
  const deadline = Date.now() + WORKER_WAIT_MS
  let last: EntryId | undefined
  let movedAt = Date.now()
  for (;;) {
    const position = (await groupProgress(redis, stream, store.projection.group))?.position
    if (position === undefined || compareEntryIds(position, end) >= 0) return
    if (position !== last) {
      last = position
      movedAt = Date.now()
    }
    if (Date.now() - movedAt >= WORKER_STILL_MS || Date.now() >= deadline) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The suspects of a record kind that still do not match, read again, against the fold caught up. */
async function recheckRecords(
  context: JobContext,
  target: ExpectedProjection,
  entry: RecordEntry,
  ids: Map<string, Map<string, number | string>>,
  suspects: Suspects,
  position: { at: string },
): Promise<Suspects> {
  const states = target.states.get(entry.name)!
  const keys = suspectKeys(suspects)
  const still = noSuspects()
  for (let i = 0; i < keys.length; i += pageSize()) {
    const page = keys.slice(i, i + pageSize())
    // Loaded first, then caught up: the fold holds every event the loaded records can show.
    const rows = await loadWhole(context.payload, entry.store, page)
    position.at = await catchUp(context, target, position.at)
    await resolveLinks(
      context,
      entry,
      page.flatMap((key) => states.get(key) ?? []),
      ids,
    )
    for (const key of page) sortInto(still, key, recordVerdict(entry, target, ids, states.get(key), rows.get(key)))
    await context.run.checkpoint()
  }
  return still
}

/** The suspects of a line kind that still do not match, read again, against the fold caught up. */
async function recheckLines(
  context: JobContext,
  target: ExpectedProjection,
  entry: LineEntry,
  ids: Map<string, Map<string, number | string>>,
  suspects: Suspects,
  position: { at: string },
): Promise<Suspects> {
  const targets = target.lineTargets.get(entry.name)!
  const parents = ids.get(entry.kind.parent)!
  const keys = suspectKeys(suspects)
  const still = noSuspects()
  for (let i = 0; i < keys.length; i += pageSize()) {
    const page = keys.slice(i, i + pageSize())
    const { docs } = await context.payload.db.find({
      collection: entry.store.collection,
      where: { key: { in: page } },
      select: Object.fromEntries(lineSelect(entry.store).map((column) => [column, true])),
      pagination: false,
      limit: 0,
    })
    const rows = new Map((docs as Row[]).map((row) => [String(row.key), row]))
    position.at = await catchUp(context, target, position.at)
    await learnIds(
      context.payload,
      recordStoreOf(context.store, entry.kind.parent),
      page.flatMap((key) => targets.get(key)?.parentKey ?? []),
      parents,
    )
    for (const key of page) sortInto(still, key, lineVerdict(entry, targets.get(key), rows.get(key), parents))
    await context.run.checkpoint()
  }
  return still
}

/**
 * Folds the whole stream and compares every stored record and line with it. Writes nothing.
 * On a live system the worker may be behind the fold (a record still missing or old) or ahead of
 * it (a record it wrote for an event that came after the fold's end): every record and line that
 * did not match is read again, once the live worker has projected the stream's new end and the
 * fold has caught up with it, in up to RECHECK_ROUNDS rounds; only what still does not match is drift.
 */
export async function verify(context: JobContext): Promise<Drift> {
  const { target, last } = await foldStream(context)
  await context.run.report({ phase: 'comparing', records: target.size }, true)
  const ids = new Map<string, Map<string, number | string>>()
  for (const entry of target.records) ids.set(entry.name, await idsOf(context.payload, entry.store))
  const compared = new Map<string, Compared>()
  for (const entry of target.records) compared.set(entry.name, await compareRecords(context, target, entry, ids))
  for (const entry of target.lines) compared.set(entry.name, await compareLines(context, target, entry, ids))
  const position = { at: last }
  let lookedAt: EntryId | undefined
  let cleared = true
  for (let round = 0; round < RECHECK_ROUNDS; round++) {
    if (![...compared.values()].some(({ suspects }) => suspectCount(suspects) > 0)) break
    const { last: end } = await streamExtent(context.redis, context.stream)
    // Nothing cleared last time and nothing new since: another look would see the same.
    if (end === lookedAt && !cleared) break
    lookedAt = end
    cleared = false
    await liveWorkerAt(context, end)
    for (const entry of [...target.records, ...target.lines]) {
      const kind = compared.get(entry.name)!
      if (suspectCount(kind.suspects) === 0) continue
      const still =
        entry.kind.storage === 'record'
          ? await recheckRecords(context, target, entry as RecordEntry, ids, kind.suspects, position)
          : await recheckLines(context, target, entry as LineEntry, ids, kind.suspects, position)
      cleared ||= suspectCount(still) < suspectCount(kind.suspects)
      kind.suspects = still
    }
  }
  const kinds = Object.fromEntries([...compared].map(([name, kind]) => [name, driftOf(kind)]))
  return { kinds, events: target.events, skipped: target.skipped, upTo: position.at }
}
