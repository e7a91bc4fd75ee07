import { Redis, type RedisOptions } from 'ioredis'
import type { Payload } from 'payload'

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

export const redisUrl = (): string => process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL

/** A client that keeps retrying with capped backoff: an outage delays work, it never ends the process. */
export const createRedis = (url = redisUrl(), options: RedisOptions = {}): Redis =>
  new Redis(url, {
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 5_000),
    maxRetriesPerRequest: null,
    ...options,
  })

/** `redis://user:secret@host:6379/0` → `redis://host:6379/0`, fit for logs and error messages. */
export const describeRedisUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    const database = parsed.pathname === '/' ? '' : parsed.pathname
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}${database}`
  } catch {
    return '(unparseable REDIS_URL)'
  }
}

type Shared = { commands?: Redis }
const shared = ((globalThis as Record<symbol, Shared>)[Symbol.for('billie.redis')] ??= {})

/**
 * The server process's command connection (never blocked), shared by everything in the app that
 * talks to Redis: the change feed's publishes and backlog reads, the portal API's rate limits
 * and read-your-writes checks, health and metrics. Kept on globalThis so that Next's dev reloads
 * and duplicate module graphs share it.
 */
export function appRedis(log: Payload['logger']): Redis {
  if (shared.commands) return shared.commands
  const url = redisUrl()
  const client = createRedis(url, { connectionName: 'app' })
  client.on('error', (error) =>
    log.warn({ redis: describeRedisUrl(url), err: error.message }, 'Redis connection error'),
  )
  return (shared.commands = client)
}

/** Closes the shared connection (tests, shutdown); the next use opens a new one. */
export function closeAppRedis(): void {
  shared.commands?.disconnect()
  shared.commands = undefined
}
