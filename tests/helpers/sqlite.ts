import { createRequire } from 'node:module'

/** The slice of @libsql/client the tests use. */
export type SqliteClient = {
  execute: (sql: string) => Promise<{ rows: Array<Record<string, unknown>> }>
  transaction: (mode: 'write' | 'read' | 'deferred') => Promise<{ execute: (sql: string) => Promise<unknown>; rollback: () => Promise<void>; close: () => void }>
  close: () => void
}

/**
 * A SQLite connection of its own to the file at `url` (`file:…`), apart from Payload's: the
 * libsql client the SQLite adapter itself depends on (not a direct dependency of this project).
 */
export function openSqlite(url: string): SqliteClient {
  const fromAdapter = createRequire(createRequire(import.meta.url).resolve('@payloadcms/db-sqlite'))
  const { createClient } = fromAdapter('@libsql/client') as { createClient: (config: { url: string }) => SqliteClient }
  return createClient({ url })
}
