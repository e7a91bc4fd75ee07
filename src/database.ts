import { mongooseAdapter } from '@payloadcms/db-mongodb'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import fs from 'node:fs'
import path from 'node:path'
import type { DatabaseAdapterObj } from 'payload'

import { migrations } from './migrations'

export const DEFAULT_SQLITE_FILE = 'data/billie.db'

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
  return sqliteAdapter({
    client: { url },
    // WAL lets the app read while a worker commits; busyTimeout lets several processes share the file.
    wal: true,
    busyTimeout: 10_000,
    // Write transactions take the write lock when they begin, so concurrent workers queue for it
    // (busyTimeout) instead of failing late with SQLITE_BUSY after reading a stale snapshot.
    transactionOptions: { behavior: 'immediate' },
    migrationDir: path.resolve(process.cwd(), 'src/migrations'),
    prodMigrations: migrations,
  })
}
