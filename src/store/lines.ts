/**
 * Lines (transcript lines): inserted once, never updated. A line is one row, so appending costs
 * the same on line 2,000 as on line 1. On SQLite, one `INSERT … ON CONFLICT DO NOTHING RETURNING`
 * per chunk (./internals); other adapters get Payload's per-row create, which applies their own
 * write transforms (ids, dates). Read back the same way: on SQLite straight from the table (on a
 * read-only connection of its own when the database is a local file), on other adapters through
 * `payload.db.find`.
 */
import type { CollectionSlug, Payload } from 'payload'
import { ValidationError } from 'payload'

import { insertNew, openTableReader, selectAfter, sqliteAdapterOf } from './internals/sqlite'
import type { Session } from './session'
import { WriteConflict } from '@/store/errors'

export type LineRow = Record<string, unknown> & { key: string }

/**
 * Inserts the rows whose `key` is not stored yet, and returns the id of each row inserted, by
 * key: a redelivered line, or a line another worker stored meanwhile, is not among them.
 */
export async function insertLines(
  { payload, req }: Session,
  collection: CollectionSlug,
  rows: LineRow[],
): Promise<Map<string, number | string>> {
  const inserted = new Map<string, number | string>()
  if (rows.length === 0) return inserted
  const now = new Date().toISOString()
  const stamped = rows.map((row) => ({ ...row, createdAt: now, updatedAt: now }))

  const sqlite = sqliteAdapterOf(payload)
  if (sqlite) {
    for (const row of await insertNew(sqlite, req, collection, stamped, ['id', 'key'])) {
      inserted.set(String(row.key), row.id as number | string)
    }
    return inserted
  }

  // Other adapters (MongoDB): Payload's own create, after filtering the lines already stored (in a
  // MongoDB transaction any write error aborts it). A duplicate that still slips in was written
  // by a concurrent worker in the meantime: a conflict, and the batch is retried.
  const known = await payload.db.find({
    collection,
    where: { key: { in: stamped.map((row) => row.key) } },
    select: { key: true },
    pagination: false,
    limit: 0,
    req,
  })
  const knownKeys = new Set(known.docs.map((doc) => (doc as { key?: string }).key))
  for (const row of stamped.filter((candidate) => !knownKeys.has(candidate.key))) {
    try {
      const doc = await payload.db.create({ collection, data: row, req })
      inserted.set(row.key, (doc as { id: number | string }).id)
    } catch (error) {
      if (error instanceof ValidationError) throw new WriteConflict(collection, row.key)
      throw error
    }
  }
  return inserted
}

/**
 * The stored lines of a collection in key order, a page at a time, with only the `columns` asked
 * for (verify and rebuild compare hundreds of thousands of them).
 */
export async function* storedLines(
  payload: Payload,
  collection: CollectionSlug,
  columns: string[],
  pageSize: number,
): AsyncGenerator<LineRow[]> {
  const sqlite = sqliteAdapterOf(payload)
  const reader = sqlite && openTableReader(sqlite)
  const page = async (after: string | undefined): Promise<Array<Record<string, unknown>>> => {
    const options = { columns, keyField: 'key', after, limit: pageSize }
    if (reader) return reader.selectAfter(collection, options)
    if (sqlite) return selectAfter(sqlite, collection, options)
    const { docs } = await payload.db.find({
      collection,
      where: after === undefined ? undefined : { key: { greater_than: after } },
      sort: 'key',
      limit: pageSize,
      pagination: false,
      select: Object.fromEntries(columns.map((column) => [column, true])),
    })
    return docs
  }
  try {
    let after: string | undefined
    for (;;) {
      const rows = (await page(after)) as LineRow[]
      if (rows.length === 0) return
      yield rows
      after = String(rows[rows.length - 1]!.key)
      if (rows.length < pageSize) return
    }
  } finally {
    reader?.close()
  }
}
