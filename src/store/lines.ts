/**
 * Reading a collection's lines (transcript lines) back in key order, for verify and rebuild: on
 * SQLite straight from the table (on a read-only connection of its own when the database is a
 * local file), on other adapters through `payload.db.find`. Lines are written by ./writer.
 */
import type { CollectionSlug, Payload } from 'payload'

import { openTableReader, selectAfter, sqliteAdapterOf } from './internals/sqlite'
import type { LineRow } from './writer'

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
