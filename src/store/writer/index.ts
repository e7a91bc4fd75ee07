/** The writer for the database that runs: in bulk on SQLite, through Payload's adapter API elsewhere. */
import type { Payload } from 'payload'

import { adapterWriter } from './adapter'
import { type SqliteDatabase, sqliteWriter } from './sqlite'
import type { Writer } from './types'

export type { LineRow, Moved, RecordWrite, StoredRecord, Writer, WriteTransaction } from './types'

const writers = new WeakMap<Payload, Writer>()

const sqliteOf = (payload: Payload): SqliteDatabase | undefined => {
  const db = payload.db as unknown as Partial<SqliteDatabase> & { name: string }
  return db.name === 'sqlite' && db.drizzle && db.tables ? (db as SqliteDatabase) : undefined
}

export function writerFor(payload: Payload): Writer {
  let writer = writers.get(payload)
  if (!writer) {
    const sqlite = sqliteOf(payload)
    writer = sqlite ? sqliteWriter(sqlite, payload) : adapterWriter(payload)
    writers.set(payload, writer)
  }
  return writer
}
