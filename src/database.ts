import { mongooseAdapter } from '@payloadcms/db-mongodb'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import fs from 'node:fs'
import path from 'node:path'
import type { BaseDatabaseAdapter, DatabaseAdapterObj } from 'payload'

import { intSetting } from './lib/env'
import { migrations } from './migrations'

export const DEFAULT_SQLITE_FILE = 'data/billie.db'

type LibsqlClient = { execute: (sql: string) => Promise<unknown>; transaction: (mode?: string) => Promise<unknown> }
const CONFIGURED = Symbol.for('billie.sqlite.everyConnection')

/**
 * Gives every SQLite connection the busy timeout, not just the first. The adapter sets
 * `PRAGMA busy_timeout` once, at connect; but libsql hands each transaction (the worker's batches)
 * the client's current connection and opens a new one, with SQLite's defaults, for whatever
 * comes next. Without this, after the first worker batch every write of the app (a login, an
 * admin's save) failed at once with SQLITE_BUSY whenever a worker held the write lock, instead
 * of waiting for it (tests/int/sqliteConnections).
 */
function withBusyTimeoutOnEveryConnection(adapter: DatabaseAdapterObj, busyTimeoutMs: number): DatabaseAdapterObj {
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

/**
 * DATABASE_URI picks the adapter: mongodb:// or mongodb+srv:// → MongoDB (production);
 * unset or file: → embedded SQLite (created on first run, no server, no download).
 * Nothing outside this file knows which one runs.
 */
export function databaseAdapter(uri = process.env.DATABASE_URI?.trim()): DatabaseAdapterObj {
  if (uri && /^mongodb(\+srv)?:\/\//.test(uri)) {
    return mongooseAdapter({ url: uri })
  }
  if (uri && !uri.startsWith('file:')) {
    throw new Error(
      `DATABASE_URI "${uri.replace(/\/\/[^@/]*@/, '//***@')}" is not supported: use mongodb://…, mongodb+srv://…, ` +
        `file:path/to/db.sqlite, or leave it unset for ${DEFAULT_SQLITE_FILE}`,
    )
  }
  const url = uri || `file:${DEFAULT_SQLITE_FILE}`
  fs.mkdirSync(path.dirname(path.resolve(url.slice('file:'.length))), { recursive: true })
  const busyTimeout = intSetting('SQLITE_BUSY_TIMEOUT_MS', 10_000)
  const adapter = sqliteAdapter({
    client: { url },
    // WAL lets the app read while a worker commits; busyTimeout lets several processes share the file
    // (how long a write waits for another's lock before failing with SQLITE_BUSY; tests lower it).
    wal: true,
    busyTimeout,
    migrationDir: path.resolve(process.cwd(), 'src/migrations'),
    prodMigrations: migrations,
  })
  return withBusyTimeoutOnEveryConnection(adapter, busyTimeout)
}
