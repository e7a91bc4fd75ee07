import { mongooseAdapter } from '@payloadcms/db-mongodb'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import fs from 'node:fs'
import path from 'node:path'
import type { DatabaseAdapterObj } from 'payload'

import { intSetting } from './lib/env'
import { migrations } from './migrations'
import { withBusyTimeoutOnEveryConnection } from './store/internals/libsqlBusyTimeout'
import { withSchemaMode } from './store/internals/schemaMode'
import { sqliteFileOf } from './store/internals/sqlite'

export const DEFAULT_SQLITE_FILE = 'data/billie.db'

/**
 * DATABASE_URI picks the adapter: mongodb:// or mongodb+srv:// → MongoDB (production);
 * unset or file: → embedded SQLite (created on first run, no server, no download).
 * Nothing outside this file decides which one runs. The code goes through Payload's adapter API,
 * except src/store, which asks whether the adapter is SQLite to take its faster paths
 * (src/store/internals, as is the SQLite schema mode applied here).
 */
export function databaseAdapter(uri = process.env.DATABASE_URI?.trim()): DatabaseAdapterObj {
  if (uri && /^mongodb(\+srv)?:\/\//.test(uri)) {
    // Migrations of its own: `payload migrate` must never run the SQLite ones against MongoDB.
    return mongooseAdapter({ url: uri, migrationDir: path.resolve(process.cwd(), 'src/migrations-mongodb') })
  }
  if (uri && !uri.startsWith('file:')) {
    throw new Error(
      `DATABASE_URI "${uri.replace(/\/\/[^@/]*@/, '//***@')}" is not supported: use mongodb://…, mongodb+srv://…, ` +
        `file:path/to/db.sqlite, or leave it unset for ${DEFAULT_SQLITE_FILE}`,
    )
  }
  const url = uri || `file:${DEFAULT_SQLITE_FILE}`
  const file = sqliteFileOf(url)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const busyTimeout = intSetting('SQLITE_BUSY_TIMEOUT_MS', 10_000)
  const adapter = sqliteAdapter({
    client: { url },
    // WAL lets the app read while a worker commits; busyTimeout lets several processes share the file
    // (how long a write waits for another's lock before failing with SQLITE_BUSY; tests lower it).
    wal: true,
    busyTimeout,
    migrationDir: path.resolve(process.cwd(), 'src/migrations'),
  })
  return withSchemaMode(withBusyTimeoutOnEveryConnection(adapter, busyTimeout), file, migrations)
}
