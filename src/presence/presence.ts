/**
 * Who is viewing a conversation right now. Each open conversation view sends a heartbeat; the
 * viewers of a conversation are a Redis sorted set (member: the viewer, score: when their
 * presence lapses) whose key itself expires, so nothing is kept and nothing runs when nobody
 * looks. A heartbeat or leave that changes who is there (someone comes or goes) is announced on
 * the change feed (event `presence`) with the conversation's viewers, each with how long they
 * stay unless a heartbeat renews them; a heartbeat that only renews is not, so the capped feed
 * carries changes, not heartbeats. A viewer who closes the tab without a word is gone from every
 * screen within the TTL: screens drop a viewer whose time runs out, and re-read who is there
 * every heartbeat interval to learn of renewals.
 *
 * Each user may send `heartbeatsPerUser` heartbeats per interval (one per conversation view they
 * have open, with room to spare); beyond that they are refused until the interval ends.
 */
import type { Redis } from 'ioredis'

import { positiveIntSetting, stringSetting } from '@/lib/env'
import { type PresentViewer, presenceMessage } from '@/projections/changes'
import { realtimeSettings } from '@/realtime/settings'

/** The feed's presence message is defined with the change messages, which the browser reads too. */
export type { PresenceMessage } from '@/projections/changes'

export type Viewer = Omit<PresentViewer, 'ttlMs'>

export const PRESENCE_EVENT = 'presence'

export type PresenceSettings = {
  /** Redis key prefix of the per-conversation sets. */
  prefix: string
  /** How long a viewer stays present without a heartbeat. */
  ttlMs: number
  /** How often an open conversation view sends one (well under the TTL). */
  heartbeatMs: number
  /** Heartbeats one user may send per `heartbeatMs`, over all their open views. */
  heartbeatsPerUser: number
}

export function presenceSettings(): PresenceSettings {
  const ttlMs = positiveIntSetting('PRESENCE_TTL_MS', 15_000)
  return {
    prefix: stringSetting('PRESENCE_PREFIX', 'presence:'),
    ttlMs,
    heartbeatMs: Math.min(positiveIntSetting('PRESENCE_HEARTBEAT_MS', 5_000), Math.max(1, Math.floor(ttlMs / 2))),
    heartbeatsPerUser: positiveIntSetting('PRESENCE_HEARTBEATS_PER_USER', 20),
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

async function announce(redis: Redis, conversationId: string, viewers: PresentViewer[]): Promise<void> {
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
    JSON.stringify(presenceMessage(conversationId, viewers)),
  )
}

/** Whether two lists of viewers name the same people (their times aside). */
const sameViewers = (a: PresentViewer[], b: PresentViewer[]) =>
  a.length === b.length && a.every((viewer, i) => viewer.id === b[i]!.id && viewer.name === b[i]!.name)

/**
 * Applies `write` to the conversation's viewers in one transaction that also reads them before
 * and after (lapsed ones pruned first), and announces the viewers when they changed: concurrent
 * heartbeats of one newcomer announce them once.
 */
async function change(
  redis: Redis,
  conversationId: string,
  write: (transaction: ReturnType<Redis['multi']>, key: string) => void,
  settings: PresenceSettings,
  now: number,
): Promise<PresentViewer[]> {
  const key = keyOf(settings, conversationId)
  const transaction = redis.multi()
  transaction.zremrangebyscore(key, '-inf', now)
  transaction.zrange(key, 0, -1, 'WITHSCORES')
  write(transaction, key)
  transaction.zrange(key, 0, -1, 'WITHSCORES')
  const results = (await transaction.exec()) ?? []
  for (const [error] of results) if (error) throw error
  const before = parseMembers(results[1]![1] as string[], now)
  const viewers = parseMembers(results.at(-1)![1] as string[], now)
  if (!sameViewers(before, viewers)) await announce(redis, conversationId, viewers)
  return viewers
}

/** What a user's heartbeat allowance says: go ahead, or wait this long. */
export type Allowance = { allowed: true } | { allowed: false; retryAfterMs: number }

/**
 * Counts one heartbeat of `viewerId` against their allowance (`heartbeatsPerUser` per
 * `heartbeatMs`, a window that starts with their first heartbeat), shared by every app instance.
 */
export async function spendHeartbeat(
  redis: Redis,
  viewerId: string,
  settings = presenceSettings(),
): Promise<Allowance> {
  const key = `${settings.prefix}heartbeats:${viewerId}`
  const results = (await redis.multi().set(key, 0, 'PX', settings.heartbeatMs, 'NX').incr(key).pttl(key).exec()) ?? []
  for (const [error] of results) if (error) throw error
  const spent = Number(results[1]![1])
  if (spent <= settings.heartbeatsPerUser) return { allowed: true }
  return { allowed: false, retryAfterMs: Math.max(1, Number(results[2]![1])) }
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
