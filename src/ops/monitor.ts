/**
 * The operations monitor: every OPS_MONITOR_EVERY_MS, one process of the deployment (whoever takes
 * the tick's lock: any app instance or worker process runs a monitor) samples each projection for
 * the operations view's charts (a Redis list capped to the last hour), evaluates the alert rules
 * (alerts.ts) and queues each alert that fires or resolves for the webhook. Deliveries run on their
 * own timer, with retries and a timeout: nothing here is ever awaited by a worker's loop.
 */
import crypto from 'node:crypto'

import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { type AlertMemory, conditionsOf, emptyMemory, evaluate, type FiringAlert, firingOf } from './alerts'
import { opsSettings, type OpsSettings } from './settings'
import { readSnapshot, type Snapshot } from './snapshot'
import { describeError } from '@/lib/failures'
import { chatLedgerStream } from '@/lib/stream'

export const HISTORY_WINDOW_MS = 3_600_000

export const monitorKeys = (stream = chatLedgerStream()) => ({
  lock: `${stream}:ops:monitor:lock`,
  alerts: `${stream}:ops:alerts`,
  /** sorted set: webhook deliveries (JSON) by when they are due. */
  outbox: `${stream}:ops:alerts:outbox`,
  /** list, newest first: one sample per tick, capped to the last hour. */
  history: (projection: string) => `${stream}:ops:history:${projection}`,
})

export type Sample = { t: number; lagEntries: number; lagSeconds: number; processed: number; deadLetters: number }

export type Delivery = {
  id: string
  status: 'firing' | 'resolved'
  alert: FiringAlert
  at: string
  attempts: number
}

export async function readMemory(redis: Redis, stream?: string): Promise<AlertMemory> {
  const raw = await redis.get(monitorKeys(stream).alerts)
  return raw ? (JSON.parse(raw) as AlertMemory) : emptyMemory()
}

/** The alerts firing now, as the last tick left them. */
export const firingAlerts = async (redis: Redis, stream?: string): Promise<FiringAlert[]> =>
  firingOf((await readMemory(redis, stream)).alerts)

/** The last hour's samples of a projection, oldest first. */
export async function readHistory(redis: Redis, projection: string, stream?: string): Promise<Sample[]> {
  const raw = await redis.lrange(monitorKeys(stream).history(projection), 0, -1)
  return raw.map((row) => JSON.parse(row) as Sample).reverse()
}

/**
 * One tick, if this process takes the lock: samples, rules, queued deliveries. Returns the
 * snapshot it read (undefined when another process has this tick).
 */
export async function monitorTick(
  redis: Redis,
  settings: OpsSettings = opsSettings(),
  now = Date.now(),
): Promise<Snapshot | undefined> {
  const keys = monitorKeys()
  const token = crypto.randomUUID()
  const took = await redis.set(keys.lock, token, 'PX', Math.max(100, Math.floor(settings.monitorEveryMs * 0.9)), 'NX')
  if (!took) return undefined
  const snapshot = await readSnapshot(redis, { staleMs: settings.workerStaleMs })
  const memory = await readMemory(redis)
  const { conditions, counts } = conditionsOf(snapshot, memory.counts, settings)
  const { alerts, fired, resolved } = evaluate(memory.alerts, conditions, now, settings.alertClearForSeconds * 1_000)
  const cap = Math.ceil(HISTORY_WINDOW_MS / settings.monitorEveryMs)
  const multi = redis.multi().set(keys.alerts, JSON.stringify({ alerts, counts } satisfies AlertMemory))
  for (const projection of snapshot.projections) {
    const sample: Sample = {
      t: now,
      lagEntries: projection.lagEntries,
      lagSeconds: Math.round(projection.lagSeconds * 10) / 10,
      processed: projection.totals.processed,
      deadLetters: projection.deadLetters,
    }
    multi.lpush(keys.history(projection.name), JSON.stringify(sample)).ltrim(keys.history(projection.name), 0, cap - 1)
  }
  if (settings.alertWebhookUrl) {
    const at = new Date(now).toISOString()
    for (const [status, list] of [
      ['firing', fired],
      ['resolved', resolved],
    ] as const) {
      for (const alert of list) {
        const delivery: Delivery = { id: crypto.randomUUID(), status, alert, at, attempts: 0 }
        multi.zadd(keys.outbox, Date.now(), JSON.stringify(delivery))
      }
    }
  }
  await multi.exec()
  return snapshot
}

/**
 * Sends the deliveries that are due, each claimed by removing it from the outbox (so two
 * processes never send the same one). A failed attempt is queued again after 1 s, 2 s, 4 s, …,
 * up to ALERT_WEBHOOK_ATTEMPTS; then it is dropped with an error in the log.
 */
export async function deliverDue(
  redis: Redis,
  log: Payload['logger'],
  settings: OpsSettings = opsSettings(),
): Promise<number> {
  const url = settings.alertWebhookUrl
  if (!url) return 0
  const keys = monitorKeys()
  const due = await redis.zrangebyscore(keys.outbox, '-inf', Date.now(), 'LIMIT', 0, 20)
  let sent = 0
  for (const member of due) {
    if ((await redis.zrem(keys.outbox, member)) === 0) continue
    const delivery = JSON.parse(member) as Delivery
    const body = { status: delivery.status, alert: delivery.alert, at: delivery.at, id: delivery.id }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(settings.alertWebhookTimeoutMs),
      })
      if (!response.ok) throw new Error(`webhook answered ${response.status}`)
      sent++
    } catch (error) {
      const attempts = delivery.attempts + 1
      const context = { alert: delivery.alert.id, status: delivery.status, attempts, err: describeError(error) }
      if (attempts >= settings.alertWebhookAttempts) {
        log.error(context, 'alert webhook delivery failed every attempt: dropped (ALERT_WEBHOOK_URL)')
        continue
      }
      log.warn(context, 'alert webhook delivery failed: trying again')
      await redis.zadd(keys.outbox, Date.now() + 1_000 * 2 ** (attempts - 1), JSON.stringify({ ...delivery, attempts }))
    }
  }
  return sent
}

/**
 * Runs the monitor in this process until stopped: ticks every OPS_MONITOR_EVERY_MS, deliveries
 * every second. Failures (Redis down) are logged at debug level and tried on the next tick.
 */
export function startMonitor(redis: Redis, log: Payload['logger'], settings: OpsSettings = opsSettings()) {
  let ticking = false
  let delivering = false
  const tick = setInterval(() => {
    if (ticking) return
    ticking = true
    monitorTick(redis, settings)
      .catch((error) => log.debug({ err: describeError(error) }, 'ops monitor tick failed'))
      .finally(() => (ticking = false))
  }, settings.monitorEveryMs)
  const deliver = setInterval(() => {
    if (delivering) return
    delivering = true
    deliverDue(redis, log, settings)
      .catch((error) => log.debug({ err: describeError(error) }, 'alert deliveries failed'))
      .finally(() => (delivering = false))
  }, 1_000)
  tick.unref()
  deliver.unref()
  return {
    stop: () => {
      clearInterval(tick)
      clearInterval(deliver)
    },
  }
}
