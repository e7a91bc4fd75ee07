/**
 * A request's read of projected records (the customer portal API's): one indexed query of a few
 * columns, the same rows on every adapter, dates as ISO strings. On SQLite with a local file it
 * runs on a statement prepared once (./internals/sqlite.ts, requestReaderOf, says what that
 * saves); on every other adapter, and SQLite in memory or remote, through `payload.db.find`.
 */
import type { CollectionSlug, Payload, Where } from 'payload'

import { type IndexedRead, requestReaderOf, sqliteAdapterOf } from './internals/sqlite'

export type { IndexedRead }

export type Row = Record<string, unknown>

/** Dates as ISO strings, undefined as null: a row's shape whatever the adapter. */
const plain = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : (value ?? null))

/** Rows after a keyset cursor in (time, key) descending order, where rows without a time come last. */
function afterCursor(time: string, key: string, { at, key: last }: { at: string | null; key: string }): Where {
  const tied: Where = {
    and: [at === null ? { [time]: { exists: false } } : { [time]: { equals: at } }, { [key]: { less_than: last } }],
  }
  if (at === null) return tied
  return { or: [{ [time]: { less_than: at } }, tied, { [time]: { exists: false } }] }
}

/** `read` through Payload's database adapter API, which every adapter implements. */
export async function readThroughAdapter(payload: Payload, read: IndexedRead): Promise<Row[]> {
  const clauses: Where[] = Object.entries(read.equal).map(([field, value]) => ({ [field]: { equals: value } }))
  const order = read.newestFirst
  if (order?.after) clauses.push(afterCursor(order.time, order.key, order.after))
  const { docs } = await payload.db.find({
    collection: read.collection as CollectionSlug,
    where: { and: clauses },
    ...(order ? { sort: [`-${order.time}`, `-${order.key}`] } : {}),
    limit: read.limit,
    pagination: false,
    select: Object.fromEntries(read.columns.map((column) => [column, true])),
  })
  return (docs as Row[]).map((doc) => Object.fromEntries(read.columns.map((column) => [column, plain(doc[column])])))
}

/** The rows `read` names (see IndexedRead), on the cheapest path the adapter offers. */
export function readIndexed(payload: Payload, read: IndexedRead): Row[] | Promise<Row[]> {
  const sqlite = sqliteAdapterOf(payload)
  const reader = sqlite && requestReaderOf(sqlite)
  return reader ? reader.read(read) : readThroughAdapter(payload, read)
}
