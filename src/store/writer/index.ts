/** The writer for the database that runs: in bulk on SQLite, through Payload's adapter API elsewhere. */
import type { Payload } from 'payload'

import { FenceLost } from '../errors'

import { adapterWriter } from './adapter'
import { type SqliteDatabase, sqliteWriter } from './sqlite'
import type { Writer } from './types'

export type { Fence, LineRow, Moved, RecordWrite, StoredRecord, Writer, WriteTransaction } from './types'

const writers = new WeakMap<Payload, Writer>()

const sqliteOf = (payload: Payload): SqliteDatabase | undefined => {
  const db = payload.db as unknown as Partial<SqliteDatabase> & { name: string }
  return db.name === 'sqlite' && db.drizzle && db.tables ? (db as SqliteDatabase) : undefined
}

export function writerFor(payload: Payload): Writer {
  let writer = writers.get(payload)
  if (!writer) {
    const sqlite = sqliteOf(payload)
    writer = fenced(sqlite ? sqliteWriter(sqlite, payload) : adapterWriter(payload))
    writers.set(payload, writer)
  }
  return writer
}

/** Checks a transaction's fence before its work, in the same transaction (see Writer). */
const fenced = (writer: Writer): Writer => ({
  transaction: (source, work, options) =>
    writer.transaction(source, async (tx) => {
      const { fence } = options ?? {}
      if (fence && !(await tx.holdsFence(fence))) throw new FenceLost(fence)
      return work(tx)
    }),
})
