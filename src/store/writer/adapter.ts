/**
 * The writer for every database but SQLite (MongoDB in production): Payload's database adapter
 * API (`payload.db`), which every adapter implements, one record at a time inside the adapter's
 * own transaction. Rather than the Local API's create/update: the worker has validated and folded
 * every event already, and the Local API's per-document hooks cost 2–4 ms a write.
 *
 * Updates are conditional on the version read (`where id = … and version = v`, set v+1); on
 * MongoDB each is a single atomic findOneAndUpdate. A duplicate line or record another writer
 * stored meanwhile breaks a unique index (Payload's ValidationError): a conflict, retried.
 */
import crypto from 'node:crypto'

import {
  type CollectionSlug,
  createLocalReq,
  type FlattenedField,
  type Payload,
  type PayloadRequest,
  ValidationError,
  type Where,
} from 'payload'

import type { RecordId } from '@/projections/changes'

import { WriteConflict } from '../errors'
import type { Fence, LineRow, Moved, RecordWrite, StoredRecord, Writer, WriteTransaction } from './types'

type Row = Record<string, unknown>

const FENCES = 'projection-fences'

/**
 * Array rows need ids, which the Local API would assign. Arrays are rewritten whole, as a full
 * update through Payload does. Walks the collection's field schema, so JSON fields (assessments,
 * additional data) stay exactly as the agent sent them.
 */
function withRowIds(data: Row, fields: FlattenedField[]): Row {
  const out: Row = { ...data }
  for (const field of fields) {
    const value = data[field.name]
    if (field.type === 'array' && Array.isArray(value)) {
      out[field.name] = value.map((row: Row) => ({
        id: crypto.randomUUID(),
        ...withRowIds(row, field.flattenedFields),
      }))
    } else if (field.type === 'group' && value && typeof value === 'object') {
      out[field.name] = withRowIds(value as Row, field.flattenedFields)
    }
  }
  return out
}

/** Whether a field keeps rows in tables of its own (arrays, or groups holding arrays). */
const hasRowTables = (field: FlattenedField): boolean =>
  field.type === 'array' || (field.type === 'group' && field.flattenedFields.some(hasRowTables))

class AdapterTransaction implements WriteTransaction {
  constructor(
    private readonly payload: Payload,
    private readonly req: PayloadRequest,
  ) {}

  private schema(collection: CollectionSlug) {
    return this.payload.collections[collection].config.flattenedFields
  }

  async load<State>(
    collection: CollectionSlug,
    keyField: string,
    keys: Iterable<string>,
    columns: readonly string[] = [],
  ): Promise<Map<string, StoredRecord<State>>> {
    const found = new Map<string, StoredRecord<State>>()
    const wanted = [...new Set(keys)]
    if (wanted.length === 0) return found
    const { docs } = await this.payload.db.find({
      collection,
      where: { [keyField]: { in: wanted } },
      select: Object.fromEntries([keyField, 'version', 'projection', ...columns].map((name) => [name, true])),
      pagination: false,
      limit: 0,
      req: this.req,
    })
    for (const doc of docs as Row[]) {
      found.set(String(doc[keyField]), {
        id: doc.id as RecordId,
        version: Number(doc.version ?? 0),
        state: doc.projection as State,
        columns: Object.fromEntries(columns.map((name) => [name, doc[name] ?? null])),
      })
    }
    return found
  }

  async writeRecords<State>(
    collection: CollectionSlug,
    keyField: string,
    writes: Array<RecordWrite<State>>,
  ): Promise<Map<string, RecordId>> {
    const { payload, req } = this
    const ids = new Map<string, RecordId>()
    const schema = this.schema(collection)
    const inRowTables = new Set(schema.filter(hasRowTables).map((field) => field.name))
    const now = new Date().toISOString()
    for (const { key, stored, state, row, changed } of writes) {
      if (!stored) {
        try {
          const doc = await payload.db.create({
            collection,
            data: { ...withRowIds(row, schema), version: 1, projection: state, createdAt: now, updatedAt: now },
            select: { id: true },
            req,
          })
          ids.set(key, (doc as { id: RecordId }).id)
        } catch (error) {
          if (error instanceof ValidationError) throw new WriteConflict(collection, key)
          throw error
        }
        continue
      }
      const columns: Row = {}
      const tables: Row = {}
      for (const [name, value] of Object.entries(row)) {
        if (!inRowTables.has(name)) columns[name] = value
        else if (!changed || changed.has(name)) tables[name] = value
      }
      const where: Where = { and: [{ id: { equals: stored.id } }, { version: { equals: stored.version } }] }
      const updated = await payload.db.updateOne({
        collection,
        where,
        data: { ...columns, version: stored.version + 1, projection: state, updatedAt: now },
        select: { id: true },
        req,
      })
      if (!updated) throw new WriteConflict(collection, key)
      if (Object.keys(tables).length > 0) {
        await payload.db.updateOne({
          collection,
          id: stored.id,
          data: withRowIds(tables, schema),
          returning: false,
          req,
        })
      }
      ids.set(key, stored.id)
    }
    return ids
  }

  async updateCopies(collection: CollectionSlug, field: string, linked: RecordId, data: Row): Promise<Moved[]> {
    const { payload, req } = this
    const { docs } = await payload.db.find({
      collection,
      where: { [field]: { equals: linked } },
      select: { version: true },
      pagination: false,
      limit: 0,
      req,
    })
    const moved: Moved[] = []
    for (const doc of docs as Row[]) {
      const version = Number(doc.version ?? 0)
      const where: Where = { and: [{ id: { equals: doc.id } }, { version: { equals: version } }] }
      const updated = await payload.db.updateOne({
        collection,
        where,
        data: { ...data, version: version + 1, updatedAt: new Date().toISOString() },
        select: { id: true },
        req,
      })
      if (!updated) throw new WriteConflict(collection, String(doc.id))
      moved.push({ id: doc.id as RecordId, version: version + 1 })
    }
    return moved
  }

  async writeLines(
    collection: CollectionSlug,
    rows: LineRow[],
    { replace = false }: { replace?: boolean } = {},
  ): Promise<{ written: Map<string, RecordId>; replaced: Set<string> }> {
    const { payload, req } = this
    const written = new Map<string, RecordId>()
    const replaced = new Set<string>()
    if (rows.length === 0) return { written, replaced }
    const now = new Date().toISOString()
    const { docs } = await payload.db.find({
      collection,
      where: { key: { in: rows.map((row) => row.key) } },
      select: { key: true },
      pagination: false,
      limit: 0,
      req,
    })
    const stored = new Map((docs as Row[]).map((doc) => [String(doc.key), doc.id as RecordId]))
    for (const row of rows) {
      const id = stored.get(row.key)
      if (id !== undefined) {
        if (!replace) continue
        await payload.db.updateOne({ collection, id, data: { ...row, updatedAt: now }, returning: false, req })
        written.set(row.key, id)
        replaced.add(row.key)
        continue
      }
      try {
        const doc = await payload.db.create({ collection, data: { ...row, createdAt: now, updatedAt: now }, req })
        written.set(row.key, (doc as { id: RecordId }).id)
      } catch (error) {
        if (error instanceof ValidationError) throw new WriteConflict(collection, row.key)
        throw error
      }
    }
    return { written, replaced }
  }

  async removeRecords(collection: CollectionSlug, records: Moved[]): Promise<RecordId[]> {
    const removed: RecordId[] = []
    for (const { id, version } of records) {
      const where: Where = { and: [{ id: { equals: id } }, { version: { equals: version } }] }
      const { docs } = await this.payload.db.find({
        collection,
        where,
        limit: 1,
        pagination: false,
        select: { id: true },
        req: this.req,
      })
      if (docs.length === 0) continue
      await this.payload.db.deleteOne({ collection, where, req: this.req })
      removed.push(id)
    }
    return removed
  }

  async nextFence(projection: string): Promise<Fence> {
    const { payload, req } = this
    const now = new Date().toISOString()
    for (;;) {
      const stored = (await payload.db.findOne({
        collection: FENCES,
        where: { projection: { equals: projection } },
        req,
      })) as {
        token: number
      } | null
      if (!stored) {
        try {
          await payload.db.create({
            collection: FENCES,
            data: { projection, token: 1, createdAt: now, updatedAt: now },
            req,
          })
          return { projection, token: 1 }
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          continue // another job created it first: take the next one after theirs
        }
      }
      const token = Number(stored.token) + 1
      const where: Where = { and: [{ projection: { equals: projection } }, { token: { equals: stored.token } }] }
      if (
        await payload.db.updateOne({
          collection: FENCES,
          where,
          data: { token, updatedAt: now },
          select: { id: true },
          req,
        })
      )
        return { projection, token }
    }
  }

  async holdsFence({ projection, token }: Fence): Promise<boolean> {
    const where: Where = { and: [{ projection: { equals: projection } }, { token: { equals: token } }] }
    const data = { updatedAt: new Date().toISOString() }
    return (
      (await this.payload.db.updateOne({ collection: FENCES, where, data, select: { id: true }, req: this.req })) !==
      null
    )
  }

  async removeLines(collection: CollectionSlug, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0
    const { totalDocs } = await this.payload.db.count({ collection, where: { key: { in: keys } }, req: this.req })
    await this.payload.db.deleteMany({ collection, where: { key: { in: keys } }, req: this.req })
    return totalDocs
  }
}

export function adapterWriter(payload: Payload): Writer {
  return {
    async transaction(source, work) {
      const req = await createLocalReq({ context: { source } }, payload)
      const transactionID = await payload.db.beginTransaction()
      if (transactionID) req.transactionID = transactionID
      try {
        const result = await work(new AdapterTransaction(payload, req))
        if (transactionID) await payload.db.commitTransaction(transactionID)
        return result
      } catch (error) {
        if (transactionID) await payload.db.rollbackTransaction(transactionID).catch(() => undefined)
        throw error
      }
    },
  }
}
