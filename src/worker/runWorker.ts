import type { Payload } from 'payload'

import { createRedis, describeRedisUrl, redisUrl } from '@/lib/redis'

import { workerSettings } from './settings'
import { Worker } from './worker'

export type RunningWorker = { worker: Worker; stop: () => Promise<void> }

/** Starts a worker on this Payload instance with its two Redis connections; stop() releases both. */
export function runWorker(payload: Payload, { stopWhenIdleMs }: { stopWhenIdleMs?: number } = {}): RunningWorker {
  const url = redisUrl()
  const reader = createRedis(url, { connectionName: 'worker-reader' })
  const redis = createRedis(url, { connectionName: 'worker' })
  for (const client of [reader, redis]) {
    client.on('error', (error) => payload.logger.warn({ redis: describeRedisUrl(url), err: error.message }, 'Redis connection error'))
  }
  const worker = new Worker({ payload, reader, redis, settings: workerSettings(), stopWhenIdleMs })
  const done = worker.start()
  return {
    worker,
    stop: async () => {
      await worker.stop()
      await done.catch(() => undefined)
      reader.disconnect()
      redis.disconnect()
    },
  }
}
