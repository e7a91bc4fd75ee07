/**
 * Who is viewing a conversation right now. Each open conversation view sends a heartbeat; the
 * viewers of a conversation are a Redis sorted set (member: the viewer, score: when their
 * presence lapses) whose key itself expires, so nothing is kept and nothing runs when nobody
 * looks. Every heartbeat and leave is announced on the change feed (event `presence`) with the
 * conversation's current viewers, each with how long they stay unless a heartbeat renews them:
 * a viewer who closes the tab without a word is gone from every screen within the TTL.
 */
import type { Redis } from 'ioredis'

import { positiveIntSetting, stringSetting } from '@/lib/env'
import { realtimeSettings } from '@/realtime/settings'

export type Viewer = { id: string; name: string }
/** A viewer as announced: `ttlMs` from the moment the message was written. */
export type PresentViewer = Viewer & { ttlMs: number }

/** The change feed's presence message (SSE event `presence`), shaped like a change message. */
export type PresenceMessage = {
  collection: 'presence'
  id: string
  doc: { conversationId: string; viewers: PresentViewer[] }
}

export const PRESENCE_EVENT = 'presence'

export type PresenceSettings = {
  /** Redis key prefix of the per-conversation sets. */
  prefix: string
  /** How long a viewer stays present without a heartbeat. */
  ttlMs: number
  /** How often an open conversation view sends one (well under the TTL). */
  heartbeatMs: number
}

export function presenceSettings(): PresenceSettings {
  const ttlMs = positiveIntSetting('PRESENCE_TTL_MS', 15_000)
  return {
    prefix: stringSetting('PRESENCE_PREFIX', 'presence:'),
    ttlMs,
    heartbeatMs: Math.min(positiveIntSetting('PRESENCE_HEARTBEAT_MS', 5_000), Math.max(1, Math.floor(ttlMs / 2))),
  }
}

const keyOf = (settings: PresenceSettings, conversationId: string) => `${settings.prefix}${conversationId}`
const memberOf = (viewer: Viewer) => JSON.stringify([viewer.id, viewer.name])

function parseMembers(raw: string[], now: number): PresentViewer[] {
  const viewers = new Map<string, PresentViewer>()
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      const [id, name] = JSON.parse(raw[i]!) as [string, string]
      const ttlMs = Math.max(0, Number(raw[i + 1]) - now)
      const known = viewers.get(id)
      if (!known || known.ttlMs < ttlMs) viewers.set(id, { id, name, ttlMs })
    } catch {
      // not written by this module: ignore
    }
  }
  return [...viewers.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

/** Reads (and prunes) a conversation's viewers in the pipeline's answers order: ZREMRANGEBYSCORE, ZRANGE. */
function readInto(pipeline: ReturnType<Redis['pipeline']>, key: string, now: number) {
  pipeline.zremrangebyscore(key, '-inf', now)
  pipeline.zrange(key, 0, -1, 'WITHSCORES')
}

async function announce(redis: Redis, conversationId: string, viewers: PresentViewer[]): Promise<void> {
  const message: PresenceMessage = { collection: 'presence', id: conversationId, doc: { conversationId, viewers } }
  const feed = realtimeSettings()
  await redis.xadd(
    feed.stream,
    'MAXLEN',
    '~',
    feed.maxLen,
    '*',
    'collection',
    PRESENCE_EVENT,
    'message',
    JSON.stringify(message),
  )
}

async function change(
  redis: Redis,
  conversationId: string,
  write: (pipeline: ReturnType<Redis['pipeline']>, key: string) => void,
  settings: PresenceSettings,
  now: number,
): Promise<PresentViewer[]> {
  const key = keyOf(settings, conversationId)
  const pipeline = redis.pipeline()
  write(pipeline, key)
  readInto(pipeline, key, now)
  const results = (await pipeline.exec()) ?? []
  for (const [error] of results) if (error) throw error
  const viewers = parseMembers(results.at(-1)![1] as string[], now)
  await announce(redis, conversationId, viewers)
  return viewers
}

/** `viewer` is looking at the conversation (again): present for another TTL. Returns everyone present. */
export const heartbeat = (
  redis: Redis,
  conversationId: string,
  viewer: Viewer,
  settings = presenceSettings(),
  now = Date.now(),
): Promise<PresentViewer[]> =>
  change(
    redis,
    conversationId,
    (pipeline, key) => {
      pipeline.zadd(key, now + settings.ttlMs, memberOf(viewer))
      pipeline.pexpire(key, settings.ttlMs)
    },
    settings,
    now,
  )

/** `viewer` has left the conversation. Returns who is still there. */
export const leave = (
  redis: Redis,
  conversationId: string,
  viewer: Viewer,
  settings = presenceSettings(),
  now = Date.now(),
): Promise<PresentViewer[]> =>
  change(redis, conversationId, (pipeline, key) => pipeline.zrem(key, memberOf(viewer)), settings, now)

/** Who is viewing each of these conversations now (one round trip). */
export async function viewersOf(
  redis: Redis,
  conversationIds: string[],
  settings = presenceSettings(),
  now = Date.now(),
): Promise<Record<string, PresentViewer[]>> {
  const unique = [...new Set(conversationIds)]
  if (unique.length === 0) return {}
  const pipeline = redis.pipeline()
  for (const conversationId of unique)
    pipeline.zrangebyscore(keyOf(settings, conversationId), `(${now}`, '+inf', 'WITHSCORES')
  const results = (await pipeline.exec()) ?? []
  const viewers: Record<string, PresentViewer[]> = {}
  unique.forEach((conversationId, index) => {
    const [error, raw] = results[index] ?? []
    if (error) throw error
    const present = parseMembers((raw as string[]) ?? [], now)
    if (present.length) viewers[conversationId] = present
  })
  return viewers
}
