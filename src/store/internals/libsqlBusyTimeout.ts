/** SQLite only: libsql's connections, patched. Written for the versions in ./versions.ts. */
import type { BaseDatabaseAdapter, DatabaseAdapterObj } from 'payload'

type LibsqlClient = { execute: (sql: string) => Promise<unknown>; transaction: (mode?: string) => Promise<unknown> }
const CONFIGURED = Symbol.for('billie.sqlite.everyConnection')

/**
 * Gives every SQLite connection the busy timeout, not just the first. The adapter sets
 * `PRAGMA busy_timeout` once, at connect; but libsql hands each transaction (the worker's batches)
 * the client's current connection and opens a new one, with SQLite's defaults, for whatever
 * comes next. Without this, after the first worker batch every write of the app (a login, an
 * admin's save) fails at once with SQLITE_BUSY whenever a worker holds the write lock, instead of
 * waiting for it (tests/int/sqliteConnections).
 */
export function withBusyTimeoutOnEveryConnection(
  adapter: DatabaseAdapterObj,
  busyTimeoutMs: number,
): DatabaseAdapterObj {
  if (busyTimeoutMs <= 0) return adapter
  const pragma = `PRAGMA busy_timeout = ${busyTimeoutMs}`
  return {
    ...adapter,
    init: (args) => {
      const db = adapter.init(args) as BaseDatabaseAdapter & { client?: LibsqlClient & { [CONFIGURED]?: true } }
      const connect = db.connect
      db.connect = async function (this: typeof db, options) {
        await connect?.call(this, options)
        const client = this.client
        if (!client || client[CONFIGURED]) return
        client[CONFIGURED] = true
        const transaction = client.transaction.bind(client)
        client.transaction = async (mode) => {
          const tx = await transaction(mode)
          // The client has just let go of its connection: configure the one it opens next.
          await client.execute(pragma)
          return tx
        }
      }
      return db
    },
  }
}
