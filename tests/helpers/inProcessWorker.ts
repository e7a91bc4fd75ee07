import crypto from 'node:crypto'

import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { createRedis } from '@/lib/redis'
import { publishMessages } from '@/realtime/changeFeed'
import { STORES, type StoredProjection } from '@/store'
import { metricsKeys } from '@/worker/metrics'
import { workerSettings, type WorkerSettings } from '@/worker/settings'
import { Worker } from '@/worker/worker'

import { until } from './wait'

/**
 * A worker of one projection (the dashboard unless `store` says otherwise) in this process, on two
 * Redis connections of its own (as runWorkers makes them: they reconnect and retry forever), named
 * `connectionName` so a test can find and kill them. With `announce`, it publishes to the change
 * feed as runWorkers does. It stops once the stream has been idle for `stopWhenIdleMs`; `done`
 * resolves then.
 */
export function startWorker(
  payload: Payload,
  stream: string,
  {
    connectionName,
    stopWhenIdleMs = 1_500,
    store = STORES.dashboard,
    announce = false,
    ...overrides
  }: {
    connectionName: string
    stopWhenIdleMs?: number
    store?: StoredProjection
    announce?: boolean
  } & Partial<WorkerSettings>,
) {
  const settings: WorkerSettings = workerSettings(store.projection, {
    stream,
    consumer: `${connectionName}-${crypto.randomUUID()}`,
    blockMs: 200,
    ...overrides,
  })
  const reader = createRedis(process.env.REDIS_URL!, { connectionName })
  const writer = createRedis(process.env.REDIS_URL!, { connectionName })
  for (const client of [reader, writer]) client.on('error', () => undefined)
  const worker = new Worker({
    payload,
    store,
    reader,
    redis: writer,
    settings,
    stopWhenIdleMs,
    onCommitted: announce ? (messages) => publishMessages(writer, messages) : undefined,
  })
  const done = worker.start().finally(() => {
    reader.disconnect()
    writer.disconnect()
  })
  return { settings, worker, done }
}

/** The worker's counters hash (processed, skipped, deadLettered, retries, …) as numbers. */
export async function countersOf(redis: Redis, settings: WorkerSettings): Promise<Record<string, number>> {
  const raw = await redis.hgetall(metricsKeys(settings).counters(settings.consumer))
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Number(value)]))
}

/** Resolves once the worker has committed at least `count` entries. */
export async function untilProcessed(
  redis: Redis,
  settings: WorkerSettings,
  count: number,
  timeoutMs = 60_000,
): Promise<void> {
  await until(async () => ((await countersOf(redis, settings)).processed ?? 0) >= count, `${count} entries processed`, {
    timeoutMs,
  })
}
