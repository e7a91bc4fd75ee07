/**
 * Reading and writing projected records through Payload's database adapter API (`payload.db`),
 * which every adapter implements, rather than the Local API's create/update: the worker has
 * validated and folded every event already, and the Local API's per-document hooks cost 2–4 ms a
 * write, which caps a worker far below peak traffic.
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
import crypto from 'node:crypto'

import type { CollectionSlug, FlattenedField, Where } from 'payload'

import type { Session } from './session'
import { WriteConflict } from '@/store/errors'

export type StoredRecord<State> = {
  id: number | string
  version: number
  state: State
  /** Columns read with the record besides its state (links and copies). */
  columns: Record<string, unknown>
}

/** The stored records of a collection with these business keys, by key; `columns` read as well. */
export async function loadRecords<State>(
  { payload, req }: Session,
  collection: CollectionSlug,
  keyField: string,
  keys: Iterable<string>,
  columns: readonly string[] = [],
): Promise<Map<string, StoredRecord<State>>> {
  const found = new Map<string, StoredRecord<State>>()
  const wanted = [...keys]
  if (wanted.length === 0) return found
  const { docs } = await payload.db.find({
    collection,
    where: { [keyField]: { in: wanted } },
    select: Object.fromEntries([keyField, 'version', 'projection', ...columns].map((name) => [name, true])),
    pagination: false,
    limit: 0,
    req,
  })
  for (const doc of docs as Array<Record<string, unknown>>) {
    found.set(String(doc[keyField]), {
      id: doc.id as number | string,
      version: Number(doc.version ?? 0),
      state: doc.projection as State,
      columns: Object.fromEntries(columns.map((name) => [name, doc[name] ?? null])),
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
  /** The columns to set (on update, only those that changed, with links and copies). */
  fields: Record<string, unknown>
  /** Columns sent with every write of the row, changed or not (required ones). */
  required: Record<string, unknown>
}

/**
 * Writes a batch's records of one collection and returns the ids of those it created, by key.
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
  collection: CollectionSlug,
  keyField: string,
  writes: Array<RecordWrite<State>>,
): Promise<Map<string, number | string>> {
  const { payload, req } = session
  const created = new Map<string, number | string>()
  if (writes.length === 0) return created
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
      const data = { ...withRowIds(tables, schema), ...required }
      await payload.db.updateOne({ collection, id: stored.id, data, returning: false, req })
    }
  }

  const keys = writes.filter((write) => !write.stored).map((write) => write.key)
  if (keys.length > 0) {
    const { docs } = await payload.db.find({
      collection,
      where: { [keyField]: { in: keys } },
      select: { [keyField]: true },
      pagination: false,
      limit: 0,
      req,
    })
    for (const doc of docs as Array<Record<string, unknown>>)
      created.set(String(doc[keyField]), doc.id as number | string)
  }
  return created
}

/** Sets `data` on every record of `collection` whose `field` holds `id` (copies of a linked record's columns). */
export async function updateLinked(
  { payload, req }: Session,
  collection: CollectionSlug,
  field: string,
  id: number | string,
  data: Record<string, unknown>,
): Promise<void> {
  await payload.db.updateMany({ collection, where: { [field]: { equals: id } }, data, req })
}
