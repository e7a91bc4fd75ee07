/** SQLite only: the development schema push, skipped when nothing changed. Written for ./versions.ts. */
import crypto from 'node:crypto'
import fs from 'node:fs'

import type { BaseDatabaseAdapter, DatabaseAdapterObj } from 'payload'

type DrizzleAdapter = BaseDatabaseAdapter & { push?: boolean; rawTables?: unknown }

/** Beside the database file: the hash of the schema last pushed to it. */
export const schemaMarkerOf = (file: string) => `${file}.schema`

/**
 * Outside production the SQLite adapter pushes the collections' schema to the database on every
 * connect (drizzle-kit introspects the whole file: about half a second, more on a busy machine),
 * in every process: each `pnpm worker`, each worker a test or the bench starts. Payload skips it
 * only within one process. This keeps a hash of the schema last pushed beside the file and skips
 * the push when the file exists and the schema is the same; a changed collection pushes as before.
 * PAYLOAD_FORCE_DRIZZLE_PUSH=true (Payload's own switch) or deleting the marker forces a push.
 */
export function withSchemaPushOnlyWhenChanged(adapter: DatabaseAdapterObj, file: string): DatabaseAdapterObj {
  return {
    ...adapter,
    init: (args) => {
      const db = adapter.init(args) as DrizzleAdapter
      const connect = db.connect
      db.connect = async function (this: DrizzleAdapter, options) {
        const pushing = process.env.NODE_ENV !== 'production' && process.env.PAYLOAD_MIGRATING !== 'true'
        if (!pushing || this.push === false) return connect?.call(this, options)
        const marker = schemaMarkerOf(file)
        const hash = crypto.createHash('sha256').update(JSON.stringify(this.rawTables)).digest('hex')
        const stored = fs.existsSync(file) && fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : ''
        const unchanged = stored === hash && process.env.PAYLOAD_FORCE_DRIZZLE_PUSH !== 'true'
        if (unchanged) this.push = false
        try {
          await connect?.call(this, options)
        } finally {
          if (unchanged) this.push = true
        }
        if (!unchanged) fs.writeFileSync(marker, `${hash}\n`)
      }
      return db
    },
  }
}
