import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import config from '@/payload.config'
import { writerFor } from '@/store/writer'

import { holdWriteLockElsewhere, openSqlite } from '../helpers/sqlite'

/*
 * The app and a worker share one SQLite file: a write that meets the other's lock waits for it
 * (SQLITE_BUSY_TIMEOUT_MS) instead of failing. libsql hands each transaction the client's
 * connection and opens a fresh one for what follows, without the pragmas the adapter set at
 * connect; src/database.ts gives every connection the busy timeout.
 */
vi.hoisted(() => {
  process.env.SQLITE_BUSY_TIMEOUT_MS = '3000'
})
const onSqlite = (process.env.DATABASE_URI ?? 'file:').startsWith('file:')

let payload: Payload

beforeAll(async () => {
  payload = await getPayload({ config })
})

afterAll(async () => {
  delete process.env.SQLITE_BUSY_TIMEOUT_MS
  await payload?.destroy()
})

describe.runIf(onSqlite)('SQLite connections shared by the app and the worker', () => {
  it("an admin's write after a worker transaction waits out another process's lock, and is stored", async () => {
    // Given a user, and a worker batch committed in this process (it takes the client's connection)
    const user = await payload.create({
      collection: 'users',
      data: {
        email: 'lock@example.com',
        password: 'pass-pass-1',
        firstName: 'Before',
        lastName: 'Lock',
        role: 'supervisor',
      },
    })
    await writerFor(payload).transaction('worker', async () => undefined)

    // When another process holds the write lock for 500 ms while the admin saves
    const { released } = await holdWriteLockElsewhere(process.env.DATABASE_URI!, 500)
    const started = Date.now()
    const saved = await payload.update({ collection: 'users', id: user.id, data: { firstName: 'After' } })
    await released

    // Then the save waited for the lock, and every connection sees it
    expect(saved.firstName).toBe('After')
    expect(Date.now() - started).toBeGreaterThanOrEqual(400)
    const other = openSqlite(process.env.DATABASE_URI!)
    const stored = await other.execute(`select first_name from users where id = ${Number(user.id)}`)
    expect(stored.rows[0]?.first_name).toBe('After')
    other.close()
  })
})
