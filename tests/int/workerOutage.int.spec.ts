import crypto from 'node:crypto'

import { afterAll, describe, expect, it, vi } from 'vitest'

import { generateCorpus } from '@/events/generate'

import { expectDatabaseToEqual } from '../helpers/compare'
import { countersOf, startWorker, untilProcessed } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { openSqlite } from '../helpers/sqlite'
import { appendAll, groupInfo, oracleOf, dlqOf } from '../helpers/stream'
import { sleep } from '../helpers/wait'

/*
 * Outages are waited out, never dead-lettered (DESIGN, rule 3). The database outage is real on
 * SQLite: another connection takes the write lock (BEGIN IMMEDIATE) and holds it, so the
 * worker's transactions fail with SQLITE_BUSY once its busy timeout (lowered here, before the
 * config is loaded) runs out, as they would while a database is down.
 */
vi.hoisted(() => {
  process.env.SQLITE_BUSY_TIMEOUT_MS = '200'
})
const onSqlite = (process.env.DATABASE_URI ?? 'file:').startsWith('file:')

const opened = openPayloadAndRedis()

afterAll(async () => {
  delete process.env.SQLITE_BUSY_TIMEOUT_MS
})

describe.runIf(onSqlite)('the worker during a database outage', () => {
  it('waits out a database that refuses writes for 4 s, then projects everything; nothing dead-lettered', async () => {
    const { payload, redis } = opened
    // Given a worker draining 6,000 events in batches of 100
    const stream = `test:outage:${crypto.randomUUID()}`
    const appended = await appendAll(
      redis,
      stream,
      generateCorpus({ events: 6_000, seed: 404, retries: 30, foreignAgents: 20 }),
    )
    const { settings, done } = startWorker(payload, stream, {
      connectionName: 'db-outage',
      batchSize: 100,
    })
    await untilProcessed(redis, settings, 500)

    // When another connection takes the database's write lock and holds it for 4 s
    const locker = openSqlite(process.env.DATABASE_URI!)
    let lock: Awaited<ReturnType<typeof locker.transaction>> | undefined
    for (const deadline = Date.now() + 30_000; !lock;) {
      // The worker holds the lock while it writes a batch: take it in the gap between two.
      lock = await locker.transaction('write').catch((error: Error) => {
        if (Date.now() > deadline || !/SQLITE_BUSY/.test(error.message)) throw error
        return undefined
      })
      if (!lock) await sleep(1)
    }
    const during = await groupInfo(redis, stream, settings.group)
    await sleep(4_000)
    const processedDuringOutage = (await countersOf(redis, settings)).processed!
    await lock.rollback()
    lock.close()
    locker.close()
    await done

    // Then it had work in hand during the outage and waited: retries recorded, nothing dead-lettered
    expect(during!.lag + during!.pending, 'entries still to project when the outage began').toBeGreaterThan(0)
    const after = await countersOf(redis, settings)
    expect(after.retries, 'retries recorded in the metrics').toBeGreaterThan(0)
    expect(after.processed, 'the drain went on after the outage').toBeGreaterThan(processedDuringOutage)
    expect(after.deadLettered).toBe(0)
    expect(after.processed + after.skipped).toBe(appended.length)
    expect(await redis.xlen(dlqOf(stream)), 'dead letters').toBe(0)
    // and every entry is acknowledged, its effect in the database exactly once
    expect(await groupInfo(redis, stream, settings.group)).toEqual({ pending: 0, lag: 0 })
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })
})
