import crypto from 'node:crypto'

import type { FlattenedField, Payload, PayloadRequest, Where } from 'payload'
import { createLocalReq, ValidationError } from 'payload'

import type { Utterance } from '@/projections'

import { WriteConflict } from './failures'

/**
 * The one place that writes projections.
 *
 * It goes through Payload's database adapter API (`payload.db`), which both adapters implement,
 * rather than the Local API's create/update: the worker has validated and folded every event
 * already, and the Local API's per-document hooks cost 2–4 ms a write, which caps a worker far
 * below peak traffic. Transcript lines are inserted in bulk, the one place where the adapters'
 * native bulk insert is used (see insertUtterances).
 *
 * Concurrency (several workers, one group): a batch runs in one database transaction — load the
 * records it touches, fold, write, commit — and every update is conditional on the `version` it
 * loaded (`where id = … and version = v`, set version v+1). If another worker got there first
 * the update matches nothing, the transaction is rolled back and the batch is folded again from
 * fresh state. Folding is idempotent and order-independent (src/projections), so a retry, a
 * redelivery or a reclaimed older entry can never duplicate or lose an effect. On SQLite the
 * transaction is also serialisable (a concurrent commit makes ours fail with SQLITE_BUSY, which
 * is retried the same way); on MongoDB the conditional update is a single atomic findOneAndUpdate.
 */

export type ProjectedSlug = 'customers' | 'applications' | 'conversations'

export type StoredRecord<State> = { id: number | string; version: number; state: State }

export type Session = {
  payload: Payload
  req: PayloadRequest
  /** Ends a SQLite transaction this module began itself (see beginSqliteTransaction). */
  end?: (commit: boolean) => Promise<void>
}

const KEY_FIELD: Record<ProjectedSlug, string> = {
  customers: 'customerId',
  applications: 'applicationNumber',
  conversations: 'conversationId',
}

type SqliteAdapterLike = {
  name: 'sqlite'
  client: unknown
  drizzle: { transaction: (run: (tx: unknown) => Promise<void>) => Promise<void> }
  sessions: Record<string, { db: unknown; resolve: () => Promise<void>; reject: () => Promise<void> }>
}

const sqliteAdapterOf = (payload: Payload): SqliteAdapterLike | undefined => {
  const db = payload.db as unknown as Partial<SqliteAdapterLike> & { name: string }
  return db.name === 'sqlite' && db.client && db.drizzle && db.sessions ? (db as SqliteAdapterLike) : undefined
}

const ROLLED_BACK = Symbol('rolled back')

/**
 * A SQLite transaction whose COMMIT reports its failure.
 *
 * Payload's own beginTransaction for the drizzle adapters swallows a failed COMMIT (drizzle rolls
 * back, Payload's `.catch` discards the error, commitTransaction resolves): the worker would then
 * acknowledge a batch that was never written. That happens for real with libsql: a BEGIN
 * IMMEDIATE that fails with SQLITE_BUSY leaves its statement un-reset on the connection until
 * garbage collection, and the next transaction's COMMIT on that connection fails with "SQLITE_BUSY:
 * cannot commit transaction - SQL statements in progress". Found by tests/int/workerCrash (whole
 * batches missing) and workerOutage. So the worker runs its SQLite transactions itself, through
 * the same drizzle API and the same `sessions` registry (every payload.db call given `req` uses
 * it), and awaits the outcome: a failed COMMIT throws (SQLITE_BUSY: transient, the batch is
 * retried on a fresh connection) instead of being acknowledged.
 *
 * Its BEGIN IMMEDIATE queues for the write lock (the busy timeout that src/database.ts gives
 * every connection) instead of failing at once whenever a peer writes.
 */
async function beginSqliteTransaction(
  db: SqliteAdapterLike,
  req: PayloadRequest,
): Promise<(commit: boolean) => Promise<void>> {
  let began!: (tx: unknown) => void
  let failedToBegin!: (error: unknown) => void
  let finish!: (commit: boolean) => void
  const ready = new Promise<unknown>((resolve, reject) => {
    began = resolve
    failedToBegin = reject
  })
  const done = db.drizzle.transaction(async (tx) => {
    began(tx)
    const commit = await new Promise<boolean>((resolve) => (finish = resolve))
    if (!commit) throw ROLLED_BACK
  })
  // A BEGIN that fails rejects `ready`; once begun, this is a no-op and `end` reports the outcome.
  done.catch(failedToBegin)
  const tx = await ready

  const id = crypto.randomUUID()
  let ended: Promise<void> | undefined
  const end = (commit: boolean): Promise<void> =>
    (ended ??= (async () => {
      delete db.sessions[id]
      finish(commit)
      try {
        await done
      } catch (error) {
        if (commit && error !== ROLLED_BACK) throw error
      }
    })())
  db.sessions[id] = { db: tx, resolve: () => end(true), reject: () => end(false).catch(() => undefined) }
  req.transactionID = id
  return end
}

export async function openSession(payload: Payload): Promise<Session> {
  const req = await createLocalReq({ context: { source: 'worker' } }, payload)
  const sqlite = sqliteAdapterOf(payload)
  if (sqlite) return { payload, req, end: await beginSqliteTransaction(sqlite, req) }
  const transactionID = await payload.db.beginTransaction()
  if (transactionID) req.transactionID = transactionID
  return { payload, req }
}

/** Commits, or throws: a batch is acknowledged only once this has resolved. */
export async function commit({ payload, req, end }: Session): Promise<void> {
  if (end) return end(true)
  if (req.transactionID) await payload.db.commitTransaction(await req.transactionID)
}

export async function rollback({ payload, req, end }: Session): Promise<void> {
  if (end) return end(false).catch(() => undefined)
  if (req.transactionID) await payload.db.rollbackTransaction(await req.transactionID).catch(() => undefined)
}

/** The stored states of the records with these business keys, by key. */
export async function loadRecords<State>(
  { payload, req }: Session,
  collection: ProjectedSlug,
  keys: string[],
): Promise<Map<string, StoredRecord<State>>> {
  const found = new Map<string, StoredRecord<State>>()
  if (keys.length === 0) return found
  const keyField = KEY_FIELD[collection]
  const { docs } = await payload.db.find({
    collection,
    where: { [keyField]: { in: keys } },
    select: { [keyField]: true, version: true, projection: true },
    pagination: false,
    limit: 0,
    req,
  })
  for (const doc of docs as Array<Record<string, unknown>>) {
    found.set(String(doc[keyField]), {
      id: doc.id as number | string,
      version: Number(doc.version ?? 0),
      state: doc.projection as State,
    })
  }
  return found
}

/**
 * Array rows need ids, which the Local API would assign. Arrays are rewritten whole on every
 * write, as a full update through Payload does. Walks the collection's field schema, so JSON
 * fields (assessments, additional data) stay exactly as the agent sent them.
 */
function withRowIds(data: Record<string, unknown>, fields: FlattenedField[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data }
  for (const field of fields) {
    const value = data[field.name]
    if (field.type === 'array' && Array.isArray(value)) {
      out[field.name] = value.map((row: Record<string, unknown>) => ({
        id: crypto.randomUUID(),
        ...withRowIds(row, field.flattenedFields),
      }))
    } else if (field.type === 'group' && value && typeof value === 'object') {
      out[field.name] = withRowIds(value as Record<string, unknown>, field.flattenedFields)
    }
  }
  return out
}

/** Whether a field keeps rows in tables of its own (arrays, or groups holding arrays). */
const hasRowTables = (field: FlattenedField): boolean =>
  field.type === 'array' || (field.type === 'group' && field.flattenedFields.some(hasRowTables))

export type RecordWrite<State> = {
  key: string
  stored: StoredRecord<State> | undefined
  state: State
  /** The business fields to set (on update, only those that changed). */
  fields: Record<string, unknown>
  /** Fields sent with every write of the row (required columns). */
  required: Record<string, unknown>
}

/**
 * Writes a batch's records of one collection and returns their ids by key.
 *
 * Updates are conditional on the loaded version, in two steps inside the transaction: the row
 * itself (scalar fields, `projection`, version v+1) as `update … where id and version = v`, which
 * matches nothing if another worker wrote first (→ WriteConflict); then, if any changed, the
 * fields kept in row tables (arrays), by id. Creates skip the read-back and the ids of the new
 * rows are fetched in one query: re-reading a document with its row tables after each write
 * costs more than the write.
 */
export async function saveRecords<State>(
  session: Session,
  collection: ProjectedSlug,
  writes: Array<RecordWrite<State>>,
): Promise<Map<string, number | string>> {
  const { payload, req } = session
  const ids = new Map<string, number | string>()
  if (writes.length === 0) return ids
  const schema = payload.collections[collection].config.flattenedFields
  const inRowTables = new Set(schema.filter(hasRowTables).map((field) => field.name))
  const now = new Date().toISOString()

  for (const { key, stored, state, fields, required } of writes) {
    if (!stored) {
      await payload.db.create({
        collection,
        data: {
          ...withRowIds({ ...fields, ...required }, schema),
          version: 1,
          projection: state,
          createdAt: now,
          updatedAt: now,
        },
        returning: false,
        req,
      })
      continue
    }
    const row: Record<string, unknown> = {}
    const tables: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(fields)) (inRowTables.has(name) ? tables : row)[name] = value
    const where: Where = { and: [{ id: { equals: stored.id } }, { version: { equals: stored.version } }] }
    const updated = await payload.db.updateOne({
      collection,
      where,
      data: { ...row, ...required, version: stored.version + 1, projection: state, updatedAt: now },
      select: { id: true },
      req,
    })
    if (!updated) throw new WriteConflict(collection, key)
    if (Object.keys(tables).length > 0) {
      await payload.db.updateOne({
        collection,
        id: stored.id,
        data: { ...withRowIds(tables, schema), ...required },
        returning: false,
        req,
      })
    }
    ids.set(key, stored.id)
  }

  const created = writes.filter((write) => !write.stored).map((write) => write.key)
  if (created.length > 0) {
    const keyField = KEY_FIELD[collection]
    const { docs } = await payload.db.find({
      collection,
      where: { [keyField]: { in: created } },
      select: { [keyField]: true },
      pagination: false,
      limit: 0,
      req,
    })
    for (const doc of docs as Array<Record<string, unknown>>) ids.set(String(doc[keyField]), doc.id as number | string)
  }
  return ids
}

/** Copies a customer's (new) full name onto their conversations, for search and cards. */
export async function renameCustomerOnConversations(
  { payload, req }: Session,
  customer: number | string,
  customerName: string,
): Promise<void> {
  await payload.db.updateMany({
    collection: 'conversations',
    where: { customer: { equals: customer } },
    data: { customerName },
    req,
  })
}

/** A transcript line as stored: the pure Utterance, linked to its conversation record. */
export type UtteranceRow = Omit<Utterance, 'conversationId'> & { conversation: number | string }

const CHUNK = 200

type DrizzleLike = {
  insert: (table: unknown) => { values: (rows: unknown[]) => { onConflictDoNothing: () => Promise<unknown> } }
}

/**
 * Inserts transcript lines, skipping any already stored (same entry id, or the same
 * conversation/type/seq retried by the producer). A line is one row, so appending costs the same
 * on line 2,000 as on line 1. On SQLite one INSERT … ON CONFLICT DO NOTHING per chunk; other
 * adapters get Payload's per-row create, which applies their own write transforms (ids, dates).
 */
export async function insertUtterances({ payload, req }: Session, rows: UtteranceRow[]): Promise<void> {
  if (rows.length === 0) return
  const now = new Date().toISOString()
  // A producer's retried line can sit twice in one batch: keep the first (the lower entry id).
  const byKey = new Map<string, UtteranceRow & { createdAt: string; updatedAt: string }>()
  for (const row of rows) if (!byKey.has(row.key)) byKey.set(row.key, { ...row, createdAt: now, updatedAt: now })
  const stamped = [...byKey.values()]
  const db = payload.db as unknown as {
    name: string
    drizzle?: DrizzleLike
    tables?: Record<string, unknown>
    sessions?: Record<string, { db?: DrizzleLike } | unknown>
  }
  const transactionID = req.transactionID ? await req.transactionID : undefined

  if (db.name === 'sqlite' && db.drizzle && db.tables?.utterances) {
    const tx = (transactionID && (db.sessions?.[transactionID] as { db?: DrizzleLike } | undefined)?.db) || db.drizzle
    for (let i = 0; i < stamped.length; i += CHUNK) {
      await tx
        .insert(db.tables.utterances)
        .values(stamped.slice(i, i + CHUNK))
        .onConflictDoNothing()
    }
    return
  }

  // Other adapters (MongoDB): Payload's own create, after filtering the lines already stored (in a
  // MongoDB transaction any write error aborts it). A duplicate that still slips in was written
  // by a concurrent worker in the meantime: a conflict, and the batch is retried.
  const known = await payload.db.find({
    collection: 'utterances',
    where: { key: { in: stamped.map((row) => row.key) } },
    select: { key: true },
    pagination: false,
    limit: 0,
    req,
  })
  const knownKeys = new Set(known.docs.map((doc) => (doc as { key?: string }).key))
  for (const row of stamped.filter((candidate) => !knownKeys.has(candidate.key))) {
    try {
      await payload.db.create({ collection: 'utterances', data: row, returning: false, req })
    } catch (error) {
      if (error instanceof ValidationError) throw new WriteConflict('utterances', row.key)
      throw error
    }
  }
}
