/**
 * SQLite only (@payloadcms/db-sqlite on libsql): flat rows read back a page at a time, as they
 * were written. Written for the versions in ./versions.ts.
 */
import path from 'node:path'

import { asc, gt } from '@payloadcms/db-sqlite/drizzle'
import Database from 'libsql'
import type { Payload } from 'payload'

type SelectQuery = Promise<Array<Record<string, unknown>>> & { toSQL: () => { sql: string; params: unknown[] } }
type SelectBuilder = {
  from: (table: unknown) => {
    where: (condition: unknown) => {
      orderBy: (column: unknown) => { limit: (limit: number) => SelectQuery }
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
  /** Drizzle tables by collection slug. */
  tables: Record<string, Record<string, unknown>>
  /** The libsql client's settings, as the adapter was given them. */
  clientConfig?: { url?: string; authToken?: string; syncUrl?: string; encryptionKey?: string }
}

/** The database file a `file:` URL names (relative to the working directory). */
export const sqliteFileOf = (url: string): string => path.resolve(url.slice('file:'.length))

/** The SQLite adapter, when that is what runs; undefined on every other adapter. */
export const sqliteAdapterOf = (payload: Payload): SqliteAdapter | undefined => {
  const db = payload.db as unknown as Partial<SqliteAdapter> & { name: string }
  return db.name === 'sqlite' && db.client && db.drizzle && db.tables ? (db as SqliteAdapter) : undefined
}

const tableOf = (db: SqliteAdapter, collection: string): Record<string, unknown> => {
  const table = db.tables[collection]
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

/** Undefined when the database is not a plain local file (in memory, remote, encrypted): read through the adapter. */
export function openTableReader(db: SqliteAdapter): TableReader | undefined {
  const { url, authToken, syncUrl, encryptionKey } = db.clientConfig ?? {}
  if (!url?.startsWith('file:') || url.includes('?') || url === 'file::memory:') return undefined
  if (authToken || syncUrl || encryptionKey) return undefined
  const connection = new Database(sqliteFileOf(url), { readonly: true, timeout: 10_000 })
  return {
    selectAfter(collection, options) {
      const { query, selected } = selectAfterQuery(db, collection, options)
      const { sql, params } = query.toSQL()
      // The values come in the order of the selection (each column once).
      const names = Object.keys(selected)
      const decoders = Object.values(selected)
      const rows = connection
        .prepare(sql)
        .raw(true)
        .all(...params) as unknown[][]
      return rows.map((values) => {
        if (values.length !== names.length) throw new Error(`${collection}: ${values.length} values for ${names}`)
        const row: Record<string, unknown> = {}
        for (let i = 0; i < names.length; i++) {
          const value = values[i]
          // (as drizzle maps a row: null stays null, anything else through its column)
          row[names[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value)
        }
        return row
      })
    },
    close: () => connection.close(),
  }
}

/**
 * A page of a flat table's rows (no array or join tables: the rows `insertNew` writes), the named
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
