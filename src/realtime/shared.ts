/**
 * The change feed's Redis connections, one set per server process (kept on globalThis so that
 * Next's dev reloads and duplicate module graphs share them): the app's command connection
 * (publishing from hooks, backlog reads on reconnect) and one blocked in the shared reader's XREAD.
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { appRedis, closeAppRedis, createRedis, describeRedisUrl, redisUrl } from '@/lib/redis'

import { ChangeFeedReader } from './feedReader'
import { realtimeSettings } from './settings'

type Shared = { reader?: ChangeFeedReader }

const KEY = Symbol.for('billie.realtime')
const shared = ((globalThis as Record<symbol, Shared>)[KEY] ??= {})

const connect = (name: string, log: Payload['logger']): Redis => {
  const url = redisUrl()
  const client = createRedis(url, { connectionName: name })
  client.on('error', (error) =>
    log.warn({ redis: describeRedisUrl(url), err: error.message }, `Redis connection error (${name})`),
  )
  return client
}

/** The process's command connection for the change feed (never blocked): the app's shared one. */
export const feedCommands = (log: Payload['logger']): Redis => appRedis(log)

/** The process's shared reader of the change feed. */
export const feedReader = (log: Payload['logger']): ChangeFeedReader =>
  (shared.reader ??= new ChangeFeedReader(connect('change-feed-reader', log), realtimeSettings().stream, log))

/** Live SSE subscribers in this process (0 when the reader has not started). */
export const feedSubscribers = (): number => shared.reader?.size ?? 0

/** Closes both connections (tests, shutdown); the next use opens new ones. */
export function closeRealtime(): void {
  shared.reader?.close()
  shared.reader = undefined
  closeAppRedis()
}
