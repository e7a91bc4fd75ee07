/**
 * SQLite only (@payloadcms/db-sqlite on libsql): flat rows read back a page at a time, as they
 * were written, and a request's indexed read on a prepared statement. Written for the versions in
 * ./versions.ts.
 */
import path from 'node:path'

import { and, asc, desc, eq, gt, isNull, lt, or, sql } from '@payloadcms/db-sqlite/drizzle'
import Database from 'libsql'
import type { Payload } from 'payload'

type SelectQuery = Promise<Array<Record<string, unknown>>> & { toSQL: () => { sql: string; params: unknown[] } }
type SelectBuilder = {
  from: (table: unknown) => {
    where: (condition: unknown) => {
      orderBy: (...columns: unknown[]) => { limit: (limit: unknown) => SelectQuery }
    }
  }
}
/** A drizzle column: how a value read from the database becomes the value drizzle returns. */
type Column = { mapFromDriverValue: (value: unknown) => unknown }
type DrizzleTx = {
  select: (columns: Record<string, unknown>) => SelectBuilder
}

/** The parts of the SQLite adapter this folder uses. */
type SqliteAdapter = {
  name: 'sqlite'
  client: unknown
  drizzle: DrizzleTx
  /** Drizzle tables by table name. */
  tables: Record<string, Record<string, unknown>>
  /** Table names by collection slug in snake case (`portal-applications` → `portal_applications`). */
  tableNameMap: Map<string, string>
  /** The libsql client's settings, as the adapter was given them. */
  clientConfig?: { url?: string; authToken?: string; syncUrl?: string; encryptionKey?: string }
}

/** The database file a `file:` URL names (relative to the working directory). */
export const sqliteFileOf = (url: string): string => path.resolve(url.slice('file:'.length))

/** The SQLite adapter, when that is what runs; undefined on every other adapter. */
export const sqliteAdapterOf = (payload: Payload): SqliteAdapter | undefined => {
  const db = payload.db as unknown as Partial<SqliteAdapter> & { name: string }
  return db.name === 'sqlite' && db.client && db.drizzle && db.tables && db.tableNameMap
    ? (db as SqliteAdapter)
    : undefined
}

const tableOf = (db: SqliteAdapter, collection: string): Record<string, unknown> => {
  const table = db.tables[db.tableNameMap.get(collection.replace(/-/g, '_')) ?? collection]
  if (!table) throw new Error(`no drizzle table for ${collection}: the SQLite adapter's tables changed`)
  return table
}

export type SelectOptions = { columns: string[]; keyField: string; after?: string; limit: number }

function selectAfterQuery(
  db: SqliteAdapter,
  collection: string,
  { columns, keyField, after, limit }: SelectOptions,
): { query: SelectQuery; selected: Record<string, Column> } {
  const table = tableOf(db, collection)
  const selected = Object.fromEntries(columns.map((name) => [name, table[name] as Column]))
  const missing = columns.filter((name) => !selected[name])
  if (missing.length) throw new Error(`no column ${missing.join(', ')} in the drizzle table for ${collection}`)
  const query = db.drizzle
    .select(selected)
    .from(table)
    .where(after === undefined ? undefined : gt(table[keyField] as never, after))
    .orderBy(asc(table[keyField] as never))
    .limit(limit)
  return { query, selected }
}

/** A row's values (in the order of `names`) as drizzle maps them: null stays null, the rest through its column. */
function decodeRow(
  collection: string,
  names: string[],
  decoders: Column[],
  values: unknown[],
): Record<string, unknown> {
  if (values.length !== names.length) throw new Error(`${collection}: ${values.length} values for ${names}`)
  const row: Record<string, unknown> = {}
  for (let i = 0; i < names.length; i++) {
    const value = values[i]
    row[names[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value)
  }
  return row
}

/**
 * A read-only connection of its own to the database file, for reading a whole table a page at a
 * time (verify and rebuild read hundreds of thousands of lines). It returns rows as arrays, where
 * the libsql client builds each row's object property by property: comparing a million-event
 * verify's lines took a third less time this way. It sees what is committed, as a read outside a
 * transaction does.
 */
export type TableReader = {
  /** The rows of `columns` with `keyField` after `after`, in its order, as the adapter returns them. */
  selectAfter: (collection: string, options: SelectOptions) => Array<Record<string, unknown>>
  close: () => void
}

/** The database's file when it is a plain local one; undefined in memory, remote, encrypted or synced. */
function plainFileOf(db: SqliteAdapter): string | undefined {
  const { url, authToken, syncUrl, encryptionKey } = db.clientConfig ?? {}
  if (!url?.startsWith('file:') || url.includes('?') || url === 'file::memory:') return undefined
  return authToken || syncUrl || encryptionKey ? undefined : sqliteFileOf(url)
}

/** Undefined when the database is not a plain local file (in memory, remote, encrypted): read through the adapter. */
export function openTableReader(db: SqliteAdapter): TableReader | undefined {
  const file = plainFileOf(db)
  if (!file) return undefined
  const connection = new Database(file, { readonly: true, timeout: 10_000 })
  return {
    selectAfter(collection, options) {
      const { query, selected } = selectAfterQuery(db, collection, options)
      const { sql: text, params } = query.toSQL()
      // The values come in the order of the selection (each column once).
      const names = Object.keys(selected)
      const decoders = Object.values(selected)
      const rows = connection
        .prepare(text)
        .raw(true)
        .all(...params) as unknown[][]
      return rows.map((values) => decodeRow(collection, names, decoders, values))
    },
    close: () => connection.close(),
  }
}

/**
 * One indexed read of a flat table: the rows whose `equal` columns hold the given values, `limit`
 * of them, optionally newest first by (`time`, `key`) descending (rows without a time last), after
 * a row's (time, key) when `after` is given: a keyset page.
 */
export type IndexedRead = {
  collection: string
  columns: readonly string[]
  equal: Record<string, string>
  newestFirst?: { time: string; key: string; after?: { at: string | null; key: string } }
  limit: number
}

type Prepared = {
  statement: { all: (...params: unknown[]) => unknown[][] }
  /** The placeholders' names, in the order the statement takes their values. */
  params: string[]
  names: string[]
  decoders: Column[]
}

type Placeholder = { name: string }

/** The statement of a read's shape (which columns, which conditions), built once with drizzle's own SQL. */
function prepareRead(db: SqliteAdapter, connection: Database.Database, read: IndexedRead): Prepared {
  const table = tableOf(db, read.collection)
  const column = (name: string) => {
    const found = table[name]
    if (!found) throw new Error(`no column ${name} in the drizzle table for ${read.collection}`)
    return found as never
  }
  const selected = Object.fromEntries(read.columns.map((name) => [name, column(name)])) as Record<string, Column>
  const conditions: unknown[] = Object.keys(read.equal).map((name) => eq(column(name), sql.placeholder(name)))
  const order: unknown[] = []
  if (read.newestFirst) {
    const { time, key, after } = read.newestFirst
    order.push(desc(column(time)), desc(column(key)))
    const before = lt(column(key), sql.placeholder('afterKey'))
    if (after?.at === null) conditions.push(and(isNull(column(time)), before))
    else if (after) {
      const at = sql.placeholder('afterAt')
      conditions.push(or(lt(column(time), at), and(eq(column(time), at), before), isNull(column(time))))
    }
  }
  const { sql: text, params } = db.drizzle
    .select(selected)
    .from(table)
    .where(and(...(conditions as never[])))
    .orderBy(...order)
    .limit(sql.placeholder('limit'))
    .toSQL()
  return {
    statement: connection.prepare(text).raw(true) as unknown as Prepared['statement'],
    params: (params as Placeholder[]).map((param) => param.name),
    names: Object.keys(selected),
    decoders: Object.values(selected),
  }
}

/**
 * A process's reader of a database file for requests: a read-only connection of its own, opened
 * on first use and kept, with each shape of read prepared once. Measured in process over 20,000
 * portal records: a customer's newest 20 applications cost about 12 µs of CPU this way, 40 µs
 * through the libsql client (which prepares every statement again), and 220 µs through
 * `payload.db.find` (building the query with drizzle's relational builder, then Payload's row
 * transform). It sees what is committed, as a read outside a transaction does.
 */
export type RequestReader = { read: (read: IndexedRead) => Array<Record<string, unknown>> }

const requestReaders = new WeakMap<SqliteAdapter, RequestReader | null>()

/** Undefined when the database is not a plain local file (see openTableReader): read through the adapter. */
export function requestReaderOf(db: SqliteAdapter): RequestReader | undefined {
  const known = requestReaders.get(db)
  if (known !== undefined) return known ?? undefined
  const file = plainFileOf(db)
  if (!file) {
    requestReaders.set(db, null)
    return undefined
  }
  const connection = new Database(file, { readonly: true, timeout: 10_000 })
  const prepared = new Map<string, Prepared>()
  const reader: RequestReader = {
    read(read) {
      const { newestFirst } = read
      const shape = JSON.stringify([
        read.collection,
        read.columns,
        Object.keys(read.equal),
        newestFirst && [newestFirst.time, newestFirst.key, newestFirst.after && newestFirst.after.at === null],
        Boolean(newestFirst?.after),
      ])
      let statement = prepared.get(shape)
      if (!statement) prepared.set(shape, (statement = prepareRead(db, connection, read)))
      const values: Record<string, unknown> = {
        ...read.equal,
        afterAt: newestFirst?.after?.at,
        afterKey: newestFirst?.after?.key,
        limit: read.limit,
      }
      const rows = statement.statement.all(...statement.params.map((name) => values[name]))
      return rows.map((row) => decodeRow(read.collection, statement.names, statement.decoders, row))
    },
  }
  requestReaders.set(db, reader)
  return reader
}

/**
 * A page of a flat table's rows (no array or join tables: a transcript line's), the named
 * columns only, in `keyField` order after `after`: straight from the table, as drizzle maps its
 * columns (booleans, JSON), without the row transform Payload gives every document. About half
 * the cost of `payload.db.find` for the hundreds of thousands of lines a verify reads.
 */
export function selectAfter(
  db: SqliteAdapter,
  collection: string,
  options: SelectOptions,
): Promise<Array<Record<string, unknown>>> {
  return selectAfterQuery(db, collection, options).query
}
