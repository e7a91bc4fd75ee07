/**
 * The deployment as Redis knows it, per projection: its consumer group's progress, lag in entries
 * and in seconds, its workers (heartbeat, state, batch figures), its counters summed over every
 * worker that ever ran it, dead letters, and the stored version against the deployed one. Health,
 * metrics, the operations view and the alert rules all read this one snapshot.
 */
import type { Redis } from 'ioredis'

import { entryIdBefore } from '@/events/entryId'
import { type ProjectionName, PROJECTION_NAMES, PROJECTIONS } from '@/projections'
import { codeIsOlder, jobKeys, rebuildNeeded } from '@/rebuild/control'
import { metricsKeys } from '@/worker/metrics'
import { chatLedgerStream, deadLetterStreamOf } from '@/lib/stream'

export type WorkerSnapshot = {
  consumer: string
  heartbeatAgeMs: number
  alive: boolean
  state: string
  /** Entries this consumer holds delivered and not yet acknowledged. */
  pending: number
  processed: number
  batches: number
  lastBatchMs: number | null
  averageBatchMs: number | null
  startedAt?: string
}

export type ProjectionSnapshot = {
  name: ProjectionName
  group: string
  /** No consumer group yet: no worker has ever run this projection on this stream. */
  exists: boolean
  lastDelivered: string
  /** Every entry up to here is projected. */
  position: string
  pending: number
  undelivered: number
  lagEntries: number
  /** Age of the oldest entry not yet projected (0 when caught up). */
  lagSeconds: number
  workers: WorkerSnapshot[]
  workersAlive: number
  totals: { processed: number; skipped: number; deadLettered: number; retries: number; feedPublishFailures: number }
  /** Batch durations: bucket upper bound (seconds, `+Inf`) → count, and the sum in seconds. */
  batchHistogram: { buckets: Record<string, number>; sum: number }
  lastBatchAt: number | null
  deadLetters: number
  deployedVersion: number
  storedVersion: number | null
  /** See rebuildNeeded in src/rebuild/control.ts. */
  rebuildNeeded: boolean
  /** See codeIsOlder in src/rebuild/control.ts. */
  codeOlder: boolean
}

export type Snapshot = { at: number; stream: string; projections: ProjectionSnapshot[] }

type Row = Map<string, unknown>
const rowOf = (flat: unknown[]): Row => {
  const row = new Map<string, unknown>()
  for (let i = 0; i + 1 < flat.length; i += 2) row.set(String(flat[i]), flat[i + 1])
  return row
}
const num = (value: unknown): number => (value === undefined || value === null || value === '' ? 0 : Number(value))
const msOf = (entryId: string): number => Number(entryId.split('-')[0])

/** Throws the first error of a MULTI/pipeline reply, else returns the values. */
function valuesOf(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new Error('Redis transaction aborted')
  return results.map(([error, value]) => {
    if (error) throw error
    return value
  })
}

async function projectionSnapshot(
  redis: Redis,
  stream: string,
  name: ProjectionName,
  groups: Row[],
  now: number,
  staleMs: number,
): Promise<ProjectionSnapshot> {
  const { group, version } = PROJECTIONS[name]
  const keys = metricsKeys({ stream, group })
  const info = groups.find((row) => row.get('name') === group)
  const lastDelivered = String(info?.get('last-delivered-id') ?? '0-0')
  const pending = num(info?.get('pending'))
  const pipeline = redis
    .pipeline()
    .zrange(keys.workers, 0, -1, 'WITHSCORES')
    .hgetall(keys.totals)
    .hgetall(keys.batchHistogram)
    .xlen(deadLetterStreamOf(stream, group))
    .get(jobKeys(stream, group).version)
    .xrange(stream, `(${lastDelivered}`, '+', 'COUNT', 1)
  // XPENDING on a group that does not exist yet is an error: asked only of a group that does.
  if (info) pipeline.call('XPENDING', stream, group)
  const [heartbeats, totals, histogram, deadLetters, stored, nextEntry, pendingSummary] = valuesOf(
    await pipeline.exec(),
  ) as [
    string[],
    Record<string, string>,
    Record<string, string>,
    number,
    string | null,
    Array<[string, string[]]>,
    [number, string | null, string | null, Array<[string, string]> | null] | undefined,
  ]
  const heartbeatsOf = new Map<string, number>()
  for (let i = 0; i + 1 < heartbeats.length; i += 2) heartbeatsOf.set(heartbeats[i]!, Number(heartbeats[i + 1]))
  const consumers = [...heartbeatsOf.keys()]
  const counters = consumers.length
    ? (valuesOf(await consumers.reduce((p, c) => p.hgetall(keys.counters(c)), redis.pipeline()).exec()) as Array<
        Record<string, string>
      >)
    : []
  const pendingByConsumer = new Map((pendingSummary?.[3] ?? []).map(([consumer, count]) => [consumer, Number(count)]))
  const workers: WorkerSnapshot[] = consumers.map((consumer, index) => {
    const hash = counters[index] ?? {}
    const heartbeatAgeMs = Math.max(0, now - heartbeatsOf.get(consumer)!)
    const batches = num(hash.batches)
    return {
      consumer,
      heartbeatAgeMs,
      alive: heartbeatAgeMs <= staleMs,
      state: hash.state ?? 'unknown',
      pending: pendingByConsumer.get(consumer) ?? 0,
      processed: num(hash.processed),
      batches,
      lastBatchMs: hash.lastBatchMs === undefined ? null : Number(hash.lastBatchMs),
      averageBatchMs: batches ? num(hash.batchMsTotal) / batches : null,
      startedAt: hash.startedAt,
    }
  })
  const oldestPending = pendingSummary?.[1] ?? null
  const undeliveredRaw = info?.get('lag')
  // Redis 7 counts undelivered entries itself; null when it cannot tell (entries deleted meanwhile).
  const undelivered =
    undeliveredRaw === null || undeliveredRaw === undefined
      ? nextEntry.length
        ? Number(await redis.xlen(stream)) - num(info?.get('entries-read'))
        : 0
      : Number(undeliveredRaw)
  const oldestUnprojected = oldestPending ?? nextEntry[0]?.[0]
  const storedVersion = stored === null ? null : Number(stored)
  const buckets: Record<string, number> = {}
  for (const [bucket, count] of Object.entries(histogram)) if (bucket !== 'sum') buckets[bucket] = Number(count)
  return {
    name,
    group,
    exists: Boolean(info),
    lastDelivered,
    position: oldestPending ? (entryIdBefore(oldestPending) ?? '0-0') : lastDelivered,
    pending,
    undelivered: Math.max(0, undelivered),
    lagEntries: pending + Math.max(0, undelivered),
    lagSeconds: oldestUnprojected ? Math.max(0, (now - msOf(oldestUnprojected)) / 1_000) : 0,
    workers,
    workersAlive: workers.filter((worker) => worker.alive).length,
    totals: {
      processed: num(totals.processed),
      skipped: num(totals.skipped),
      deadLettered: num(totals.deadLettered),
      retries: num(totals.retries),
      feedPublishFailures: num(totals.feedPublishFailures),
    },
    batchHistogram: { buckets, sum: num(histogram.sum) },
    lastBatchAt: totals.lastBatchAt ? Number(totals.lastBatchAt) : null,
    deadLetters: Number(deadLetters),
    deployedVersion: version,
    storedVersion,
    rebuildNeeded: rebuildNeeded({ version, stored: storedVersion, delivered: info ? lastDelivered : null }),
    codeOlder: codeIsOlder(version, storedVersion),
  }
}

/** Reads every projection's state: a handful of pipelined Redis round trips. */
export async function readSnapshot(redis: Redis, { staleMs }: { staleMs: number }): Promise<Snapshot> {
  const stream = chatLedgerStream()
  const now = Date.now()
  const groups = (
    (await redis.xinfo('GROUPS', stream).catch((error: Error) => {
      if (/no such key/i.test(error.message)) return []
      throw error
    })) as unknown[][]
  ).map(rowOf)
  const projections = await Promise.all(
    PROJECTION_NAMES.map((name) => projectionSnapshot(redis, stream, name, groups, now, staleMs)),
  )
  return { at: now, stream, projections }
}
