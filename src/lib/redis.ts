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

type Shared = { commands?: Redis; portal?: Redis }
const shared = ((globalThis as Record<symbol, Shared>)[Symbol.for('billie.redis')] ??= {})

/** The connection kept in `slot` for this process, opened on first use. */
function sharedConnection(slot: keyof Shared, log: Payload['logger'], options: RedisOptions): Redis {
  const open = shared[slot]
  if (open) return open
  const url = redisUrl()
  const client = createRedis(url, options)
  client.on('error', (error) =>
    log.warn(
      { redis: describeRedisUrl(url), err: error.message },
      `Redis connection error (${options.connectionName})`,
    ),
  )
  return (shared[slot] = client)
}

/**
 * The server process's command connection (never blocked), shared by everything in the app that
 * talks to Redis but the portal API: the change feed's publishes and backlog reads, presence,
 * health and metrics. Kept on globalThis so that Next's dev reloads and duplicate module graphs
 * share it.
 */
export const appRedis = (log: Payload['logger']): Redis => sharedConnection('commands', log, { connectionName: 'app' })

/**
 * The portal API's connection in a server process (rate limits, its stream position), its own; a
 * request's commands are issued together and awaited once. Not ioredis's auto-pipelining, though
 * it cut socket writes (8,000 rate-limit commands from concurrent requests:
 * 8,146 writes one by one, 1,227 auto-pipelined): in ioredis 5.9.2 a connection closed with
 * commands in an auto-pipeline throws an uncaught TypeError ("results[i] is not iterable",
 * autoPipelining.js), which would end the server process.
 */
export const portalRedis = (log: Payload['logger']): Redis =>
  sharedConnection('portal', log, { connectionName: 'portal' })

/** Closes the shared connections (tests, shutdown); the next use opens new ones. */
export function closeAppRedis(): void {
  for (const slot of ['commands', 'portal'] as const) {
    shared[slot]?.disconnect()
    shared[slot] = undefined
  }
}
