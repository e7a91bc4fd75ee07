/**
 * SQLite only: how each process gets the database's schema, decided from the database itself.
 * Written for the versions in ./versions.ts (the adapter's connect, push, rawTables and migrate).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'

import type { sqliteAdapter } from '@payloadcms/db-sqlite'
import Database from 'libsql'
import type { BaseDatabaseAdapter, DatabaseAdapterObj } from 'payload'

export type CommittedMigrations = NonNullable<Parameters<typeof sqliteAdapter>[0]['prodMigrations']>
type DrizzleAdapter = BaseDatabaseAdapter & { push?: boolean; rawTables?: unknown }
/** The SQLite adapter's migrate takes the migrations its `prodMigrations` would (Payload's type is narrower). */
type MigrateCommitted = { migrate: (args: { migrations: CommittedMigrations }) => Promise<void> }

/** Beside the database file: the hash of the schema last pushed to it. */
export const schemaMarkerOf = (file: string) => `${file}.schema`

/**
 * `migrations`: the schema comes from the committed migrations (src/migrations), applied in order
 * and recorded in `payload_migrations`. `push`: Payload's development push writes the
 * collections' schema straight to the file (recorded as one `dev` row, batch -1).
 */
export type SchemaMode = 'migrations' | 'push'

/** What the file records of how its schema was made: the committed migrations applied, and whether it was pushed. */
export function schemaHistoryOf(file: string): { applied: string[]; pushed: boolean } {
  if (!fs.existsSync(file)) return { applied: [], pushed: false }
  const db = new Database(file, { readonly: true, timeout: 10_000 })
  try {
    const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payload_migrations'`).get()
    if (!table) return { applied: [], pushed: false }
    const rows = db.prepare('SELECT name, batch FROM payload_migrations').all() as Array<{
      name: string
      batch: unknown
    }>
    return {
      applied: rows.filter((row) => Number(row.batch) > 0).map((row) => row.name),
      pushed: rows.some((row) => Number(row.batch) === -1),
    }
  } finally {
    db.close()
  }
}

/**
 * A pushed file stays pushed and a migrated one stays migrated, whatever NODE_ENV says: pushing onto
 * a migrated file fails (drizzle-kit recreates indexes the migrations made), and migrating a pushed
 * one would create tables that exist. Only a new file follows NODE_ENV: production migrates, anything
 * else pushes.
 */
export function schemaModeOf(history: { applied: string[]; pushed: boolean }, production: boolean): SchemaMode {
  if (history.pushed) return 'push'
  return history.applied.length || production ? 'migrations' : 'push'
}

/**
 * Replaces the adapter's own choice (push outside production, migrate in production) with
 * schemaModeOf's, and says which it took in one log line at connect:
 *
 * - migrations: no push; the committed migrations not yet applied are applied (in any NODE_ENV).
 * - push: the collections' schema is pushed when it differs from the one last pushed to this file
 *   (a hash in `<file>.schema`: drizzle-kit introspects the whole file, about half a second per
 *   process, and Payload skips it only within one process). PAYLOAD_FORCE_DRIZZLE_PUSH=true
 *   (Payload's own switch) or deleting the marker forces a push. Production never pushes: a pushed
 *   file whose schema is not the code's stops the process, saying what to do.
 *
 * `payload migrate` and its siblings (PAYLOAD_MIGRATING) connect as Payload does, and then do what
 * they were asked.
 */
export function withSchemaMode(
  adapter: DatabaseAdapterObj,
  file: string,
  migrations: CommittedMigrations,
): DatabaseAdapterObj {
  return {
    ...adapter,
    init: (args) => {
      const db = adapter.init(args) as DrizzleAdapter
      const connect = db.connect
      db.connect = async function (this: DrizzleAdapter, options) {
        if (process.env.PAYLOAD_MIGRATING === 'true') return connect?.call(this, options)
        const production = process.env.NODE_ENV === 'production'
        const history = schemaHistoryOf(file)
        const log = this.payload.logger
        if (schemaModeOf(history, production) === 'migrations') {
          this.push = false
          await connect?.call(this, options)
          const pending = migrations.filter((migration) => !history.applied.includes(migration.name))
          if (pending.length) await (this as unknown as MigrateCommitted).migrate({ migrations })
          const applied = history.applied.length + pending.length
          const now = pending.length ? `, ${pending.length} of them now` : ''
          log.info(
            { schema: 'migrations', applied, appliedNow: pending.length },
            `schema: committed migrations (${applied} applied${now})`,
          )
          return
        }
        const marker = schemaMarkerOf(file)
        const hash = crypto.createHash('sha256').update(JSON.stringify(this.rawTables)).digest('hex')
        const stored = fs.existsSync(file) && fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : ''
        const unchanged = stored === hash && process.env.PAYLOAD_FORCE_DRIZZLE_PUSH !== 'true'
        if (production && !unchanged) {
          throw new Error(
            `schema: ${file} was made by a development schema push, and the collections' schema is not the one ` +
              'last pushed to it (or PAYLOAD_FORCE_DRIZZLE_PUSH=true): production never pushes. Push it once without ' +
              'NODE_ENV=production (pnpm worker, pnpm dev), or start from a new file and run pnpm payload migrate.',
          )
        }
        this.push = !unchanged
        await connect?.call(this, options)
        if (!unchanged) fs.writeFileSync(marker, `${hash}\n`)
        log.info(
          { schema: 'push', pushed: !unchanged },
          `schema: development push (${unchanged ? 'unchanged since the last push, skipped' : 'pushed now'})`,
        )
      }
      return db
    },
  }
}
