/**
 * One database transaction per batch, on any adapter: SQLite's through ./internals (a COMMIT that
 * reports its failure), every other adapter's through Payload's transaction API. Every read and
 * write of the batch passes `session.req`, so it runs inside the transaction.
 */
import { createLocalReq, type Payload, type PayloadRequest } from 'payload'

import { beginSqliteTransaction, sqliteAdapterOf } from './internals/sqlite'

export type Session = {
  payload: Payload
  req: PayloadRequest
  /** Ends a SQLite transaction begun by ./internals; undefined on other adapters. */
  end?: (commit: boolean) => Promise<void>
}

export async function openSession(payload: Payload, source = 'worker'): Promise<Session> {
  const req = await createLocalReq({ context: { source } }, payload)
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
