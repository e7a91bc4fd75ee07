import { createRequire } from 'node:module'

/** The slice of @libsql/client the tests use. */
export type SqliteClient = {
  execute: (sql: string) => Promise<{ rows: Array<Record<string, unknown>> }>
  transaction: (
    mode: 'write' | 'read' | 'deferred',
  ) => Promise<{ execute: (sql: string) => Promise<unknown>; rollback: () => Promise<void>; close: () => void }>
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

/**
 * Takes the write lock of the SQLite file at `url` in another process and holds it for `ms`:
 * libsql waits for a lock synchronously, so a holder in this process could never let go while
 * a write here waits. Resolves once the lock is held; `released` resolves when it is let go.
 */
export async function holdWriteLockElsewhere(url: string, ms: number): Promise<{ released: Promise<void> }> {
  const { spawn } = await import('node:child_process')
  const client = createRequire(createRequire(import.meta.url).resolve('@payloadcms/db-sqlite')).resolve(
    '@libsql/client',
  )
  const script = `
    const { createClient } = require(${JSON.stringify(client)})
    const db = createClient({ url: ${JSON.stringify(url)} })
    db.transaction('write').then((tx) => {
      process.stdout.write('locked\\n')
      setTimeout(() => tx.rollback().then(() => process.exit(0)), ${Number(ms)})
    }, (error) => { console.error(error.message); process.exit(1) })`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const released = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited ${code}`)))),
  )
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve())
    released.catch(reject)
  })
  return { released }
}
