import crypto from 'node:crypto'

import { afterAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { PROJECTIONS } from '@/projections'
import { freePort } from '@/server/freePort'

import { expectDatabaseToEqual } from '../helpers/compare'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { appendAll, groupInfo, oracleOf, waitUntilDrained, dlqOf } from '../helpers/stream'
import { exitWithin, killAll, spawnWorker, untilLogged, type WorkerProcess } from '../helpers/workerProcess'

/*
 * `pnpm worker` on SIGTERM: finish (or let go of) the batch in hand, exit 0, in time for an
 * orchestrator's grace period.
 */

const opened = openPayloadAndRedis()
const spawned: WorkerProcess[] = []

afterAll(async () => {
  await killAll(spawned)
})

const baseEnv = () => ({ DATABASE_URI: process.env.DATABASE_URI!, PAYLOAD_SECRET: process.env.PAYLOAD_SECRET! })

describe('pnpm worker on SIGTERM', () => {
  it('stops mid-drain with exit code 0 and leaves nothing lost: a second worker finishes the stream', async () => {
    const { payload, redis } = opened
    // Given a worker draining 2,000 events
    const stream = `test:shutdown:${crypto.randomUUID()}`
    const group = PROJECTIONS.dashboard.group
    const appended = await appendAll(
      redis,
      stream,
      generateCorpus({ events: 2_000, seed: 505, retries: 8, foreignAgents: 4 }),
    )
    const env = {
      ...baseEnv(),
      REDIS_URL: process.env.REDIS_URL!,
      CHAT_LEDGER_STREAM: stream,
      WORKER_PROJECTIONS: 'dashboard',
      WORKER_BATCH_SIZE: '100',
      WORKER_CLAIM_IDLE_MS: '1000',
    }
    const first = spawnWorker(`shutdown-${stream.slice(-8)}-first`, { ...env, WORKER_ID: 'first' })
    spawned.push(first)
    await untilLogged(first, 'batch committed')

    // When it is sent SIGTERM with work still in the stream
    first.child.kill('SIGTERM')
    const exit = await exitWithin(first, 15_000)
    const left = await groupInfo(redis, stream, group)

    // Then it exits 0, and a second worker drains what is left into exactly the oracle's state
    expect(exit).toEqual({ code: 0, signal: null })
    expect(left!.lag + left!.pending, 'entries left for the second worker').toBeGreaterThan(0)
    const second = spawnWorker(`shutdown-${stream.slice(-8)}-second`, {
      ...env,
      WORKER_ID: 'second',
      WORKER_STOP_WHEN_IDLE_MS: '2000',
    })
    spawned.push(second)
    await waitUntilDrained(redis, stream, group, 90_000)
    expect(await exitWithin(second, 30_000)).toEqual({ code: 0, signal: null })
    expect(await redis.xlen(dlqOf(stream))).toBe(0)
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })

  it('exits 0 even while Redis is unreachable', async () => {
    // Given a worker whose Redis does not answer (nothing listens on its port)
    const worker = spawnWorker(`shutdown-no-redis-${crypto.randomUUID().slice(-8)}`, {
      ...baseEnv(),
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      WORKER_ID: 'no-redis',
    })
    spawned.push(worker)
    await untilLogged(worker, 'Redis connection error')

    // When it is sent SIGTERM
    worker.child.kill('SIGTERM')

    // Then it gives up waiting for Redis and exits 0 within an orchestrator's grace period
    expect(await exitWithin(worker, 15_000)).toEqual({ code: 0, signal: null })
  })
})
