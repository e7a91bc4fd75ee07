import type { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll } from 'vitest'

import { createRedis } from '@/lib/redis'
import config from '@/payload.config'

export type PayloadAndRedis = { payload: Payload; redis: Redis }

/**
 * This test file's Payload (quiet: errors only) and a Redis client: opened before its tests,
 * released after them (after the file's own afterAll hooks, which run first). Read the fields
 * inside a test: they are set once beforeAll has run.
 */
export function openPayloadAndRedis(): PayloadAndRedis {
  const opened = {} as PayloadAndRedis
  beforeAll(async () => {
    opened.payload = await getPayload({ config })
    opened.payload.logger.level = 'error'
    opened.redis = createRedis(process.env.REDIS_URL!)
  })
  afterAll(async () => {
    opened.redis?.disconnect()
    await opened.payload?.destroy()
  })
  return opened
}
