import type { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'

import { createRedis } from '@/lib/redis'
import config from '@/payload.config'

/** This test file's Payload (quiet: errors only) and a Redis client; close() releases both. */
export async function openPayloadAndRedis(): Promise<{ payload: Payload; redis: Redis; close: () => Promise<void> }> {
  const payload = await getPayload({ config })
  payload.logger.level = 'error'
  const redis = createRedis(process.env.REDIS_URL!)
  return {
    payload,
    redis,
    close: async () => {
      redis.disconnect()
      await payload.destroy()
    },
  }
}
