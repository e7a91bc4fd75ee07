/**
 * What verify, rebuild and replay share: the stream folded (read and parsed on a thread of its own,
 * ./threadedReader.ts, while this one folds) and caught up with its live tail, and each stored
 * record and line compared with the fold. A stored record (or line) and the fold's state of it
 * give a verdict: missing, extra, or the fields that differ.
 */
import type { Redis } from 'ioredis'
import { type FindArgs, type Payload, type Where } from 'payload'

import { type EntryId } from '@/events/entryId'
import type { WithBookkeeping } from '@/projections/define'
import { positiveIntSetting } from '@/lib/env'
import { publishMessages } from '@/realtime/changeFeed'
import { type ChangeMessage, mergeMessages } from '@/projections/changes'
import { type StoredProjection } from '@/store'
import { storedLines } from '@/store/lines'
import { recordRow } from '@/store/records'
import type { LineStore, RecordStore } from '@/store/types'
import { isTransient } from '@/lib/failures'
import { FenceLost } from '@/store/errors'

import { differingFields, digestOf } from './compare'
import { EntryFailed, type JobRun } from './control'
import { readStream, skip, streamExtent } from './streamReader'
import { type LineTarget, type LineTargets, ExpectedProjection } from './target'
import { readThreaded } from './threadedReader'

/** Records per page read and per transaction written (REBUILD_PAGE_SIZE: smaller pages, finer checkpoints). */
export const pageSize = () => positiveIntSetting('REBUILD_PAGE_SIZE', 500)

export type JobContext = {
  payload: Payload
  redis: Redis
  stream: string
  store: StoredProjection
  run: JobRun
}

export type Row = Record<string, unknown>

export type RecordEntry = ExpectedProjection['records'][number]

export type LineEntry = ExpectedProjection['lines'][number]

/**
 * A kind's keys that did not match when compared: missing, extra, and differing with the fields
 * that differ. Each is read again before it counts as drift (see verify).
 */
export type Suspects = { missing: Set<string>; extra: Set<string>; differing: Map<string, string[]> }

export type Compared = { expected: number; stored: number; suspects: Suspects }

export const noSuspects = (): Suspects => ({ missing: new Set(), extra: new Set(), differing: new Map() })

export const suspectCount = ({ missing, extra, differing }: Suspects) => missing.size + extra.size + differing.size

export const suspectKeys = ({ missing, extra, differing }: Suspects) => [...missing, ...extra, ...differing.keys()]

/** A stored record or line against the fold: missing, extra, or the fields that differ (none: it matches). */
export type Verdict = 'missing' | 'extra' | string[]

export function sortInto(suspects: Suspects, key: string, verdict: Verdict): void {
  if (verdict === 'missing') suspects.missing.add(key)
  else if (verdict === 'extra') suspects.extra.add(key)
  else if (verdict.length) suspects.differing.set(key, verdict)
}

/** Reading on the job's own thread is slower, never different: the operator is told why. */
export const threadOptions = (payload: Payload) => ({
  onFallback: (reason: string) =>
    payload.logger.warn(
      { reason },
      'the stream reader thread could not start or stopped; reading the rest in the job’s own thread (slower)',
    ),
})

/** Reads and folds the whole stream into a new target, reporting progress. */
export async function foldStream({
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
export async function catchUp(
  { redis, stream, run }: JobContext,
  target: ExpectedProjection,
  after: string,
): Promise<string> {
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
export async function idsOf(
  payload: Payload,
  store: RecordStore<WithBookkeeping>,
): Promise<Map<string, number | string>> {
  const { docs } = await payload.db.find({
    collection: store.collection,
    select: { [store.keyField]: true },
    pagination: false,
    limit: 0,
  })
  return new Map((docs as Row[]).map((doc) => [String(doc[store.keyField]), doc.id as number | string]))
}

/** Every column a record of this kind should hold: its state's fields, its links and their copies. */
export const expectedColumns = (
  { store }: RecordEntry,
  state: WithBookkeeping,
  target: ExpectedProjection,
  ids: Map<string, Map<string, number | string>>,
): Record<string, unknown> =>
  recordRow(store, state, (link, key) => ({
    id: ids.get(link.to)?.get(key) ?? null,
    state: target.states.get(link.to)?.get(key) ?? null,
  }))

/**
 * Join fields (a conversation's lines, a customer's applications) are never compared: not read
 * with every record. (Payload types `joins` as `never` for a collection named by a variable.)
 */
export const WITHOUT_JOINS = { joins: false } as unknown as Pick<FindArgs, 'joins'>

/** The stored records of a kind, whole, a page at a time in key order. */
export async function* storedPages(
  payload: Payload,
  { collection, keyField }: RecordStore<WithBookkeeping>,
  from?: string,
) {
  let after = from
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
export const lineSelect = (store: LineStore<unknown>) => [...new Set(['key', store.parentField, ...store.columns])]

export const lineColumns = (store: LineStore<unknown>, row: Row) =>
  Object.fromEntries(store.columns.map((column) => [column, row[column]]))

/** A stored record (or its absence) against the fold's state of it (or its absence). */
export function recordVerdict(
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

/**
 * The target lines no stored line has. Stored keys are unique, so when as many stored lines were
 * found among the targets as there are targets, none is missing, and nothing is held to know it
 * (hundreds of thousands of keys); otherwise the stored keys are read again, alone.
 */
export async function unstored(
  payload: Payload,
  entry: LineEntry,
  targets: LineTargets,
  found: number,
): Promise<string[]> {
  if (found === targets.size) return []
  const stored = new Set<string>()
  for await (const rows of storedLines(payload, entry.store.collection, ['key'], pageSize()))
    for (const row of rows) stored.add(row.key)
  return [...targets.keys()].filter((key) => !stored.has(key))
}

/** The fields of a stored line that differ from what the fold says of it: its content, its parent. */
export function lineFields(
  entry: LineEntry,
  expected: LineTarget,
  row: Row,
  parents: Map<string, number | string>,
): string[] {
  const fields: string[] = []
  if (digestOf(lineColumns(entry.store, row)) !== expected.digest) fields.push('content')
  if (String(row[entry.store.parentField]) !== String(parents.get(expected.parentKey)))
    fields.push(entry.store.parentField)
  return fields
}

export const lineVerdict = (
  entry: LineEntry,
  expected: LineTarget | undefined,
  row: Row | undefined,
  parents: Map<string, number | string>,
): Verdict => (!expected ? (row ? 'extra' : []) : !row ? 'missing' : lineFields(entry, expected, row, parents))

/**
 * Writes `items` with `write`; when that fails for a reason other than an outage, writes them
 * again by halves, down to the item that fails alone, and throws naming the entry it comes from
 * (EntryFailed). The halves that succeed stay written: each write is idempotent.
 */
export async function namingTheEntry<Item>(
  items: Item[],
  write: (part: Item[]) => Promise<void>,
  entryOf: (item: Item) => EntryId,
  doing: string,
): Promise<void> {
  try {
    await write(items)
  } catch (error) {
    // (a job that lost its lock fails as a whole: no entry of it is to blame)
    if (isTransient(error) || error instanceof FenceLost) throw error
    if (items.length < 2) throw items.length ? new EntryFailed(entryOf(items[0]!), doing, error) : error
    const middle = Math.ceil(items.length / 2)
    await namingTheEntry(items.slice(0, middle), write, entryOf, doing)
    await namingTheEntry(items.slice(middle), write, entryOf, doing)
  }
}

export async function publish(context: JobContext, messages: ChangeMessage[]) {
  if (messages.length) await publishMessages(context.redis, mergeMessages(messages)).catch(() => undefined)
}

/** Reads the ids of the records of `keys` not known yet (created by the live worker since they were read). */
export async function learnIds(
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
export const recordStoreOf = (stored: StoredProjection, kind: string) =>
  (stored.kinds as Record<string, RecordStore<WithBookkeeping>>)[kind]!

/**
 * The ids of the records these states link to, read for any not known yet (a record the live
 * worker created after the rebuild began): a link is never written as null for want of an id.
 */
export async function resolveLinks(
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
export async function loadWhole(
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
