/**
 * The connection health, metrics and the operations view read Redis through. Unlike the app's
 * command connection it does not hold commands until Redis comes back: a command queued while
 * Redis is unreachable fails after one reconnection attempt (maxRetriesPerRequest: 1), and every
 * caller also gives up after a timeout (within), so a probe during an outage answers at once.
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { createRedis, describeRedisUrl, redisUrl } from '@/lib/redis'

type Shared = { client?: Redis }
const shared = ((globalThis as Record<symbol, Shared>)[Symbol.for('billie.opsRedis')] ??= {})

export function opsRedis(log: Payload['logger']): Redis {
  if (shared.client) return shared.client
  const url = redisUrl()
  const client = createRedis(url, { connectionName: 'ops', maxRetriesPerRequest: 1 })
  client.on('error', (error) => log.debug({ redis: describeRedisUrl(url), err: error.message }, 'ops Redis error'))
  return (shared.client = client)
}

/** Closes it (tests, shutdown); the next use opens a new one. */
export function closeOpsRedis(): void {
  shared.client?.disconnect()
  shared.client = undefined
}

/** A call that gives up after `ms`, naming what timed out. */
export function within<T>(call: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer))
}
