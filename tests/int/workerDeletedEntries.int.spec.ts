import crypto from 'node:crypto'

import { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { STORES } from '@/store'
import { metricsKeys } from '@/worker/metrics'
import { workerSettings, type WorkerSettings } from '@/worker/settings'
import { Worker } from '@/worker/worker'

import { expectDatabaseToEqual } from '../helpers/compare'
import { appendAll, dlqOf, groupInfo, oracleOf } from '../helpers/stream'

let payload: Payload
let redis: Redis
let reader: Redis

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
  redis = new Redis(process.env.REDIS_URL!)
  reader = new Redis(process.env.REDIS_URL!)
})

afterAll(async () => {
  redis.disconnect()
  reader.disconnect()
  await payload.destroy()
})

/** Runs one worker in this process until the stream has been idle for a moment. */
async function drain(stream: string, overrides: Partial<WorkerSettings>) {
  const settings = workerSettings(STORES.dashboard.projection, {
    stream,
    consumer: `test-${crypto.randomUUID()}`,
    ...overrides,
  })
  await new Worker({ payload, store: STORES.dashboard, reader, redis, settings, stopWhenIdleMs: 500 }).start()
  return settings
}

describe('the worker given entries deleted from the stream while pending', () => {
  it('acknowledges entries deleted from the stream while pending, its own and a dead peer’s, as skipped', async () => {
    // Given 40 events: the first 10 read by this worker before it stopped, the next 10 by a peer
    // that died, none acknowledged; then two of each deleted from the stream
    const stream = `test:${crypto.randomUUID()}`
    const appended = await appendAll(redis, stream, generateCorpus({ events: 40, seed: 8 }))
    const group = STORES.dashboard.projection.group
    const consumer = `test-${crypto.randomUUID()}`
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM')
    await redis.xreadgroup('GROUP', group, consumer, 'COUNT', 10, 'STREAMS', stream, '>')
    await redis.xreadgroup('GROUP', group, 'dead-peer', 'COUNT', 10, 'STREAMS', stream, '>')
    const deleted = [2, 3, 12, 13].map((index) => appended[index]!.id)
    await redis.xdel(stream, ...deleted)

    // When the worker starts again under its name (it reads its own pending entries first)
    const own = await drain(stream, { consumer, claimIdleMs: 60_000 })
    // and then a worker takes over the dead peer's (idle long enough: at once)
    const peer = await drain(stream, { claimIdleMs: 0 })

    // Then nothing is left pending or dead-lettered: the deleted entries were acknowledged (or
    // dropped from the pending list by Redis 7's XAUTOCLAIM, which reports them) and counted as
    // skipped, and the database holds what the remaining entries say
    expect(await groupInfo(redis, stream, group)).toEqual({ pending: 0, lag: 0 })
    expect(await redis.xlen(dlqOf(stream))).toBe(0)
    const skipped = async (settings: WorkerSettings) =>
      Number((await redis.hgetall(metricsKeys(settings).counters(settings.consumer))).skipped)
    expect((await skipped(own)) + (await skipped(peer))).toBe(4)
    await expectDatabaseToEqual(payload, oracleOf(appended.filter((entry) => !deleted.includes(entry.id))))
  })
})
