import type { Payload } from 'payload'

import { createRedis, describeRedisUrl, redisUrl } from '@/lib/redis'
import { publishProjectedChanges } from '@/realtime/publishProjectedChanges'

import { workerSettings } from './settings'
import { Worker } from './worker'

export type RunningWorker = { worker: Worker; stop: () => Promise<void> }

/**
 * Starts a worker on this Payload instance with its two Redis connections; stop() releases both.
 * Each committed batch is published to the change feed (src/realtime) in one pipeline.
 */
export function runWorker(payload: Payload, { stopWhenIdleMs }: { stopWhenIdleMs?: number } = {}): RunningWorker {
  const url = redisUrl()
  const reader = createRedis(url, { connectionName: 'worker-reader' })
  const redis = createRedis(url, { connectionName: 'worker' })
  for (const client of [reader, redis]) {
    client.on('error', (error) =>
      payload.logger.warn({ redis: describeRedisUrl(url), err: error.message }, 'Redis connection error'),
    )
  }
  const worker = new Worker({
    payload,
    reader,
    redis,
    settings: workerSettings(),
    stopWhenIdleMs,
    onCommitted: async (changes) => {
      await publishProjectedChanges(payload, redis, changes)
    },
  })
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
