import crypto from 'node:crypto'

import { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { STORES } from '@/store'
import { metricsKeys } from '@/worker/metrics'
import { workerSettings } from '@/worker/settings'
import { Worker } from '@/worker/worker'

import { expectDatabaseToEqual } from '../helpers/compare'
import { appendAll, dlqOf, oracleOf } from '../helpers/stream'

let payload: Payload
let redis: Redis
let reader: Redis

beforeAll(async () => {
  payload = await getPayload({ config })
  redis = new Redis(process.env.REDIS_URL!)
  reader = new Redis(process.env.REDIS_URL!)
})

afterAll(async () => {
  redis.disconnect()
  reader.disconnect()
  await payload.destroy()
})

/** Runs one worker in this process until the stream has been idle for a moment. */
async function drain(stream: string) {
  const settings = workerSettings(STORES.dashboard.projection, { stream, consumer: `test-${crypto.randomUUID()}` })
  const worker = new Worker({ payload, store: STORES.dashboard, reader, redis, settings, stopWhenIdleMs: 500 })
  await worker.start()
  return settings
}

describe('the worker', () => {
  it('drains 5,000 generated events into exactly the state the pure projections give', async () => {
    // Given a realistic corpus: interleaved chats, both spellings, producer retries, other agents
    const stream = `test:${crypto.randomUUID()}`
    const corpus = generateCorpus({ events: 5_000, seed: 42, retries: 40, foreignAgents: 30 })
    const appended = await appendAll(redis, stream, corpus)

    // When one worker drains the stream
    const settings = await drain(stream)

    // Then the database equals the oracle, everything is acknowledged, nothing is dead-lettered
    await expectDatabaseToEqual(payload, oracleOf(appended))
    expect(await redis.xpending(stream, settings.group)).toEqual([0, null, null, null])
    expect(await redis.xlen(dlqOf(stream))).toBe(0)
    const counters = await redis.hgetall(metricsKeys(settings).counters(settings.consumer))
    expect(Number(counters.skipped)).toBe(30)
    expect(Number(counters.processed) + Number(counters.skipped)).toBe(appended.length)
  })
})
