import { Redis, type RedisOptions } from 'ioredis'

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
