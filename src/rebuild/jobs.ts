/**
 * Verify, rebuild and replay a projection from chatLedger.
 *
 * Verify folds the whole stream in memory with the projection's own kinds and compares every
 * stored record and line with it; it writes nothing. The stream is read and parsed on a thread of
 * its own (./threadedReader.ts) while this one folds. What does not match is read again once the
 * live worker and the fold have both caught up with the stream, before it counts as drift.
 *
 * Rebuild does the same fold, then walks the stored records a page at a time and writes each one
 * that differs, in one conditional write (old → new, never a half), while the live worker goes
 * on: a page is loaded, then the fold catches up with everything the stream holds by then, so
 * the state written includes every event the live worker could have applied to what was loaded;
 * a live write in between makes the conditional write fail, and the page is taken again. Records
 * the stream does not justify are removed; missing ones are created. Changes are announced on the
 * change feed. Killed at any point, it leaves each record either as it was or as rebuilt, and a
 * new run redoes only what still differs.
 *
 * Replay projects a range of the stream again through the worker's own batch path: idempotent.
 */
import type { Redis } from 'ioredis'
import { type FindArgs, type Payload, ValidationError, type Where } from 'payload'

import { compareEntryIds, type EntryId, entryIdBefore } from '@/events/entryId'
import type { ChatEvent } from '@/events/types'
import type { WithBookkeeping } from '@/projections/define'
import { positiveIntSetting } from '@/lib/env'
import { publishMessages } from '@/realtime/changeFeed'
import { type ChangeMessage, isFeedCollection, mergeMessages } from '@/projections/changes'
import { projectBatch, type StoredProjection } from '@/store'
import { insertLines, storedLines } from '@/store/lines'
import { type RecordWrite, saveRecords, type StoredRecord } from '@/store/records'
import { commit, openSession, rollback } from '@/store/session'
import type { LineStore, RecordChange, RecordStore } from '@/store/types'

import { differingFields, digestOf, normalise } from './compare'
import { Cancelled, EntryFailed, type JobRun } from './control'
import { noneSkipped, positionOf, readStream, type Skipped, skip, streamExtent } from './streamReader'
import { type LineTarget, type LineTargets, ExpectedProjection } from './target'
import { readThreaded } from './threadedReader'
import { isTransient } from '@/lib/failures'
import { WriteConflict } from '@/store/errors'
import { groupProgress, setStoredVersion } from '@/lib/checkpoint'

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
/** Records per page read and per transaction written (REBUILD_PAGE_SIZE: smaller pages, finer checkpoints). */
export const pageSize = () => positiveIntSetting('REBUILD_PAGE_SIZE', 500)

export type JobContext = {
  payload: Payload
  redis: Redis
  stream: string
  store: StoredProjection
  run: JobRun
}

type Row = Record<string, unknown>
type RecordEntry = ExpectedProjection['records'][number]
type LineEntry = ExpectedProjection['lines'][number]

/**
 * A kind's keys that did not match when compared: missing, extra, and differing with the fields
 * that differ. Each is read again before it counts as drift (see verify).
 */
type Suspects = { missing: Set<string>; extra: Set<string>; differing: Map<string, string[]> }
type Compared = { expected: number; stored: number; suspects: Suspects }

const noSuspects = (): Suspects => ({ missing: new Set(), extra: new Set(), differing: new Map() })
const suspectCount = ({ missing, extra, differing }: Suspects) => missing.size + extra.size + differing.size
const suspectKeys = ({ missing, extra, differing }: Suspects) => [...missing, ...extra, ...differing.keys()]

/** A stored record or line against the fold: missing, extra, or the fields that differ (none: it matches). */
type Verdict = 'missing' | 'extra' | string[]

function sortInto(suspects: Suspects, key: string, verdict: Verdict): void {
  if (verdict === 'missing') suspects.missing.add(key)
  else if (verdict === 'extra') suspects.extra.add(key)
  else if (verdict.length) suspects.differing.set(key, verdict)
}

/** A kind's drift as reported: exact counts, and the first NAMED keys of each. */
const driftOf = ({ expected, stored, suspects: { missing, extra, differing } }: Compared): KindDrift => ({
  expected,
  stored,
  counts: { missing: missing.size, extra: extra.size, differing: differing.size },
  missing: [...missing].slice(0, NAMED),
  extra: [...extra].slice(0, NAMED),
  differing: [...differing].slice(0, NAMED).map(([key, fields]) => ({ key, fields })),
})

/** Reading on the job's own thread is slower, never different: the operator is told why. */
const threadOptions = (payload: Payload) => ({
  onFallback: (reason: string) =>
    payload.logger.warn(
      { reason },
      'the stream reader thread could not start or stopped; reading the rest in the job’s own thread (slower)',
    ),
})

/** Reads and folds the whole stream into a new target, reporting progress. */
async function foldStream({
  payload,
  redis,
  stream,
  store,
  run,
}: JobContext): Promise<{ target: ExpectedProjection; last: string }> {
  const { length, last } = await streamExtent(redis, stream)
  const target = new ExpectedProjection(store)
  await run.report({ phase: 'reading', total: length, read: 0 }, true)
  let read = 0
  let position = '0-0'
  const reading = readThreaded(redis, stream, { to: last }, { ...threadOptions(payload), lines: store.projection.name })
  for await (const page of reading) {
    target.add(page.events, page.lines)
    skip(target.skipped, page.malformed)
    read += page.read
    position = page.last
    await run.report({ phase: 'reading', read })
    await run.checkpoint()
  }
  await run.report({ phase: 'folding', read }, true)
  return { target, last: position }
}

/** Folds in whatever the stream holds beyond `after` now (the live tail); returns the new position. */
async function catchUp({ redis, stream, run }: JobContext, target: ExpectedProjection, after: string): Promise<string> {
  let position = after
  for await (const page of readStream(redis, stream, { after })) {
    target.add(page.events)
    skip(target.skipped, page.malformed)
    position = page.last
    await run.report({
      read: run.progress.read + page.read,
      total: Math.max(run.progress.total, run.progress.read + page.read),
    })
  }
  return position
}

/** Key → id of every stored record of a kind (links are written as ids). */
async function idsOf(payload: Payload, store: RecordStore<WithBookkeeping>): Promise<Map<string, number | string>> {
  const { docs } = await payload.db.find({
    collection: store.collection,
    select: { [store.keyField]: true },
    pagination: false,
    limit: 0,
  })
  return new Map((docs as Row[]).map((doc) => [String(doc[store.keyField]), doc.id as number | string]))
}

/**
 * Every column a record of this kind should hold: its state's fields, the columns made from them,
 * its links and their copies.
 */
function expectedColumns(
  { store }: RecordEntry,
  state: WithBookkeeping,
  target: ExpectedProjection,
  ids: Map<string, Map<string, number | string>>,
): Record<string, unknown> {
  const omitted = new Set(['projection', ...(store.omit ?? [])])
  const columns: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(state).filter(([field]) => !omitted.has(field))),
    ...store.derived?.(state),
  }
  for (const link of store.links ?? []) {
    const key = link.keyOf(state)
    const linked = key === null ? undefined : target.states.get(link.to)?.get(key)
    columns[link.field] = key === null ? null : (ids.get(link.to)?.get(key) ?? null)
    if (link.copy) {
      const copy = link.copy as unknown as {
        from: (linked: unknown) => Record<string, unknown>
        columns: readonly string[]
      }
      Object.assign(
        columns,
        linked ? copy.from(linked) : Object.fromEntries(copy.columns.map((column) => [column, undefined])),
      )
    }
  }
  return columns
}

/**
 * Join fields (a conversation's lines, a customer's applications) are never compared: not read
 * with every record. (Payload types `joins` as `never` for a collection named by a variable.)
 */
const WITHOUT_JOINS = { joins: false } as unknown as Pick<FindArgs, 'joins'>

/** The stored records of a kind, whole, a page at a time in key order. */
async function* storedPages(payload: Payload, { collection, keyField }: RecordStore<WithBookkeeping>) {
  let after: string | undefined
  for (;;) {
    const where: Where | undefined = after === undefined ? undefined : { [keyField]: { greater_than: after } }
    const { docs } = await payload.db.find({
      collection,
      where,
      sort: keyField,
      limit: pageSize(),
      pagination: false,
      ...WITHOUT_JOINS,
    })
    const rows = docs as Row[]
    if (rows.length === 0) return
    yield rows
    after = String(rows[rows.length - 1]![keyField])
    if (rows.length < pageSize()) return
  }
}

/** What comparing a line reads of it: its content, key and parent. */
const lineSelect = (store: LineStore<unknown>) => [...new Set(['key', store.parentField, ...store.columns])]

const lineColumns = (store: LineStore<unknown>, row: Row) =>
  Object.fromEntries(store.columns.map((column) => [column, row[column]]))

/** A stored record (or its absence) against the fold's state of it (or its absence). */
function recordVerdict(
  entry: RecordEntry,
  target: ExpectedProjection,
  ids: Map<string, Map<string, number | string>>,
  state: WithBookkeeping | undefined,
  row: Row | undefined,
): Verdict {
  if (!state) return row ? 'extra' : []
  if (!row) return 'missing'
  return differingFields({ state, columns: expectedColumns(entry, state, target, ids) }, row)
}

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

/**
 * The target lines no stored line has. Stored keys are unique, so when as many stored lines were
 * found among the targets as there are targets, none is missing, and nothing is held to know it
 * (hundreds of thousands of keys); otherwise the stored keys are read again, alone.
 */
async function unstored(payload: Payload, entry: LineEntry, targets: LineTargets, found: number): Promise<string[]> {
  if (found === targets.size) return []
  const stored = new Set<string>()
  for await (const rows of storedLines(payload, entry.store.collection, ['key'], pageSize()))
    for (const row of rows) stored.add(row.key)
  return [...targets.keys()].filter((key) => !stored.has(key))
}

/** The fields of a stored line that differ from what the fold says of it: its content, its parent. */
function lineFields(entry: LineEntry, expected: LineTarget, row: Row, parents: Map<string, number | string>): string[] {
  const fields: string[] = []
  if (digestOf(lineColumns(entry.store, row)) !== expected.digest) fields.push('content')
  if (String(row[entry.store.parentField]) !== String(parents.get(expected.parentKey)))
    fields.push(entry.store.parentField)
  return fields
}

const lineVerdict = (
  entry: LineEntry,
  expected: LineTarget | undefined,
  row: Row | undefined,
  parents: Map<string, number | string>,
): Verdict => (!expected ? (row ? 'extra' : []) : !row ? 'missing' : lineFields(entry, expected, row, parents))

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

export type RebuildReport = {
  events: number
  /** Malformed entries (the worker dead-lettered them), not folded. */
  skipped: Skipped
  upTo: string
  kinds: Record<string, { updated: number; created: number; removed: number; unchanged: number }>
}

/**
 * Writes `items` with `write`; when that fails for a reason other than an outage, writes them
 * again by halves, down to the item that fails alone, and throws naming the entry it comes from
 * (EntryFailed). The halves that succeed stay written: each write is idempotent.
 */
async function namingTheEntry<Item>(
  items: Item[],
  write: (part: Item[]) => Promise<void>,
  entryOf: (item: Item) => EntryId,
  doing: string,
): Promise<void> {
  try {
    await write(items)
  } catch (error) {
    if (isTransient(error)) throw error
    if (items.length < 2) throw items.length ? new EntryFailed(entryOf(items[0]!), doing, error) : error
    const middle = Math.ceil(items.length / 2)
    await namingTheEntry(items.slice(0, middle), write, entryOf, doing)
    await namingTheEntry(items.slice(middle), write, entryOf, doing)
  }
}

/** Writes a chunk of records of one kind in one transaction, each conditional on its loaded version. */
async function writeChunk(context: JobContext, entry: RecordEntry, writes: Array<RecordWrite<WithBookkeeping>>) {
  const session = await openSession(context.payload, 'rebuild')
  try {
    const created = await saveRecords(session, entry.store.collection, entry.store.keyField, writes)
    await commit(session)
    return created
  } catch (error) {
    await rollback(session)
    throw error
  }
}

/** The change messages of a chunk, as the worker would announce them. */
function announce(entry: RecordEntry, changes: Array<RecordChange<WithBookkeeping>>): ChangeMessage[] {
  return entry.store.announce ? changes.map((change) => entry.store.announce!(change)) : []
}

async function publish(context: JobContext, messages: ChangeMessage[]) {
  if (messages.length) await publishMessages(context.redis, mergeMessages(messages)).catch(() => undefined)
}

/** Reads the ids of the records of `keys` not known yet (created by the live worker since they were read). */
async function learnIds(
  payload: Payload,
  store: RecordStore<WithBookkeeping>,
  keys: Iterable<string | null>,
  known: Map<string, number | string>,
): Promise<void> {
  const wanted = [...new Set(keys)].filter((key): key is string => key !== null && !known.has(key))
  if (wanted.length === 0) return
  const { docs } = await payload.db.find({
    collection: store.collection,
    where: { [store.keyField]: { in: wanted } },
    select: { [store.keyField]: true },
    pagination: false,
    limit: 0,
  })
  for (const doc of docs as Row[]) known.set(String(doc[store.keyField]), doc.id as number | string)
}

/** The record store of one of the projection's kinds. */
const recordStoreOf = (stored: StoredProjection, kind: string) =>
  (stored.kinds as Record<string, RecordStore<WithBookkeeping>>)[kind]!

/**
 * The ids of the records these states link to, read for any not known yet (a record the live
 * worker created after the rebuild began): a link is never written as null for want of an id.
 */
async function resolveLinks(
  { payload, store: stored }: JobContext,
  { store }: RecordEntry,
  states: WithBookkeeping[],
  ids: Map<string, Map<string, number | string>>,
): Promise<void> {
  for (const link of store.links ?? []) {
    await learnIds(payload, recordStoreOf(stored, link.to), states.map(link.keyOf), ids.get(link.to)!)
  }
}

/** A kind's stored records by key, whole (every column, and the bookkeeping). */
async function loadWhole(
  payload: Payload,
  store: RecordStore<WithBookkeeping>,
  keys: string[],
): Promise<Map<string, Row>> {
  if (keys.length === 0) return new Map()
  const { docs } = await payload.db.find({
    collection: store.collection,
    where: { [store.keyField]: { in: keys } },
    pagination: false,
    limit: 0,
    ...WITHOUT_JOINS,
  })
  return new Map((docs as Row[]).map((row) => [String(row[store.keyField]), row]))
}

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
): Promise<string[]> {
  const states = target.states.get(entry.name)!
  const { store } = entry
  const extra: string[] = []
  const seen = new Set<string>()
  const required = (state: WithBookkeeping) =>
    Object.fromEntries(store.required.map((field) => [field, (state as unknown as Row)[field]]))

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
      const writes: Array<RecordWrite<WithBookkeeping>> = []
      for (const key of keys) {
        const state = states.get(key)
        if (!state) continue
        const row = rows.get(key)
        const columns = expectedColumns(entry, state, target, ids)
        if (row && differingFields({ state, columns }, row).length === 0) {
          counts.unchanged++
          continue
        }
        const stored: StoredRecord<WithBookkeeping> | undefined = row
          ? {
              id: row.id as number | string,
              version: Number(row.version ?? 0),
              state: row.projection as WithBookkeeping,
              columns: {},
            }
          : undefined
        writes.push({ key, stored, state, fields: columns, required: required(state) })
      }
      try {
        const created = await writeChunk(context, entry, writes)
        const changes = writes.map((write): RecordChange<WithBookkeeping> => {
          const id = write.stored?.id ?? created.get(write.key)!
          ids.get(entry.name)!.set(write.key, id)
          if (write.stored) counts.updated++
          else counts.created++
          return {
            id,
            key: write.key,
            operation: write.stored ? 'update' : 'create',
            state: write.state,
            version: write.stored ? write.stored.version + 1 : 1,
            entryIds: [],
            columns: write.fields,
          }
        })
        await publish(context, announce(entry, changes))
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
  for await (const rows of storedPages(context.payload, store)) {
    const byKey = new Map(rows.map((row) => [String(row[store.keyField]), row]))
    for (const key of byKey.keys()) seen.add(key)
    await writePage([...byKey.keys()], byKey)
    for (const key of byKey.keys()) if (!states.has(key)) extra.push(key)
    await context.run.report({ phase: 'writing', compared: context.run.progress.compared + rows.length })
    await context.run.checkpoint()
  }
  position.at = await catchUp(context, target, position.at)
  const missing = [...states.keys()].filter((key) => !seen.has(key))
  for (let i = 0; i < missing.length; i += pageSize()) {
    await writePage(missing.slice(i, i + pageSize()))
    await context.run.checkpoint()
  }
  return extra
}

/** Lines: inserts the missing, re-inserts the wrong, removes those the stream does not justify. */
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
  // Known before the wrong ones are deleted, which would make them missing too.
  const missing = await unstored(payload, entry, targets, found)
  const remove = [...extra.filter((key) => !targets.has(key)), ...wrong]
  for (let i = 0; i < remove.length; i += pageSize()) {
    await payload.db.deleteMany({
      collection: entry.store.collection,
      where: { key: { in: remove.slice(i, i + pageSize()) } },
    })
  }
  counts.removed += remove.length - wrong.length
  // The lines to insert, each made again from the event that made it (read back by its entry id).
  const insert = [...wrong, ...missing]
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
    const rows = events.flatMap((event) => {
      const line = entry.kind.evolve(undefined, event)
      const key = entry.kind.keyOf(event)
      if (line === undefined || key === undefined || !keys.has(key)) return []
      const parent = parents.get(entry.kind.parentKeyOf(line))
      return parent === undefined ? [] : [{ ...entry.store.toRow(line), key, [entry.store.parentField]: parent }]
    })
    const insert = async (part: Array<Row & { key: string }>) => {
      const session = await openSession(payload, 'rebuild')
      let inserted: Map<string, number | string>
      try {
        inserted = await insertLines(session, entry.store.collection, part)
        await commit(session)
      } catch (error) {
        await rollback(session)
        throw error
      }
      counts.created += inserted.size
      if (entry.store.announce) {
        const messages = part.flatMap((row) => {
          const id = inserted.get(row.key)
          return id === undefined
            ? []
            : [entry.store.announce!({ id, line: row, parent: row[entry.store.parentField] as number })]
        })
        await publish(context, messages)
      }
    }
    await namingTheEntry(rows, insert, (row) => targets.eventIdOf(row.key)!, 'inserting the line of')
    await context.run.report({ written: context.run.progress.written + rows.length })
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
  const { collection, keyField } = entry.store
  const states = target.states.get(entry.name)!
  const unjustified = keys.filter((key) => !states.has(key))
  for (let i = 0; i < unjustified.length; i += pageSize()) {
    const rows = await loadWhole(context.payload, entry.store, unjustified.slice(i, i + pageSize()))
    const messages: ChangeMessage[] = []
    for (const row of rows.values()) {
      const where: Where = { and: [{ id: { equals: row.id } }, { version: { equals: row.version ?? 0 } }] }
      const { docs } = await context.payload.db.find({
        collection,
        where,
        limit: 1,
        pagination: false,
        select: { id: true },
      })
      if (docs.length === 0) continue
      await context.payload.db.deleteOne({ collection, where })
      counts.removed++
      if (isFeedCollection(collection)) {
        messages.push({
          collection,
          id: row.id,
          operation: 'delete',
          entryIds: [],
          doc: { id: row.id, [keyField]: row[keyField] },
        } as unknown as ChangeMessage)
      }
    }
    await publish(context, messages)
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
  for (const entry of target.records) {
    const counts = report.kinds[entry.name]!
    extras.set(entry.name, await rebuildRecords(context, target, entry, ids, position, counts, writers))
  }
  for (const entry of target.lines) await rebuildLines(context, target, entry, ids, position, report.kinds[entry.name]!)
  await context.run.report({ phase: 'catching up' }, true)
  position.at = await catchUp(context, target, position.at)
  for (const entry of [...target.records].reverse()) {
    await removeRecords(context, target, entry, extras.get(entry.name)!, report.kinds[entry.name]!)
  }
  report.events = target.events
  report.upTo = position.at
  const { group, version } = context.store.projection
  await setStoredVersion(context.redis, context.stream, group, version)
  return report
}

export type ReplayReport = { read: number; replayed: number; changed: number; skipped: Skipped }

/**
 * Projects the entries from `from` to `to` (entry ids or ISO times; one conversation's only,
 * with `conversation`) again, through the worker's batch path, announcing what changes.
 * Idempotent: what the records already hold changes nothing.
 */
export async function replay(
  context: JobContext,
  { from, to, conversation }: { from: string; to?: string; conversation?: string },
): Promise<ReplayReport> {
  const start = positionOf(from, 'from')
  const end = to ? positionOf(to, 'to') : '+'
  const { length } = await streamExtent(context.redis, context.stream)
  await context.run.report({ phase: 'reading', total: length }, true)
  const report: ReplayReport = { read: 0, replayed: 0, changed: 0, skipped: noneSkipped() }
  for await (const page of readStream(context.redis, context.stream, {
    after: entryIdBefore(start) ?? '0-0',
    to: end,
    pageSize: 500,
  })) {
    report.read += page.read
    skip(report.skipped, page.malformed)
    const events = conversation ? page.events.filter((event) => event.conversationId === conversation) : page.events
    const project = async (part: ChatEvent[]) => {
      const changes = await projectBatch(context.payload, context.store, part)
      report.replayed += part.length
      report.changed += Object.values(changes.records).reduce((sum, list) => sum + (list?.length ?? 0), 0)
      await publish(context, changes.messages)
    }
    if (events.length) await namingTheEntry(events, project, (event) => event.entryId, 'projecting')
    await context.run.report({ phase: 'writing', read: report.read, written: report.changed })
    await context.run.checkpoint()
  }
  return report
}

export { Cancelled, normalise }
