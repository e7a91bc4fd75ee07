import type { Redis } from 'ioredis'

import type { WorkerSettings } from './settings'

export type BatchFigures = {
  processed: number
  skipped: number
  deadLettered: number
  retries: number
  batchMs: number
  lastEntryId?: string
  /** ms from XADD (the entry id's time) to commit, one per projected entry. */
  lagsMs: number[]
}

/** Lag histogram buckets: 1 ms up to 100 ms, 10 ms up to 1 s, then 100 ms. */
export const lagBucket = (ms: number): number => {
  const value = Math.max(0, Math.floor(ms))
  if (value < 100) return value
  if (value < 1_000) return value - (value % 10)
  return value - (value % 100)
}

export const metricsKeys = (settings: Pick<WorkerSettings, 'stream' | 'group'>) => ({
  /** sorted set: consumer → last heartbeat (ms since epoch) */
  workers: `${settings.stream}:${settings.group}:workers`,
  counters: (consumer: string) => `${settings.stream}:${settings.group}:worker:${consumer}`,
  lag: (consumer: string) => `${settings.stream}:${settings.group}:lag:${consumer}`,
  /**
   * hash: the projection's counters summed over every worker that ever ran it (never reset by a
   * restart): what /api/metrics exports as Prometheus counters.
   */
  totals: `${settings.stream}:${settings.group}:totals`,
  /** hash: batch durations, one field per histogram bucket (BATCH_BUCKETS_SECONDS, `+Inf`), plus `sum`. */
  batchHistogram: `${settings.stream}:${settings.group}:batch-seconds`,
})

/** Upper bounds (seconds) of the batch duration histogram's buckets. */
export const BATCH_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const

/** The histogram bucket a batch of `seconds` falls in (its upper bound, or `+Inf`). */
export const batchBucket = (seconds: number): string =>
  String(BATCH_BUCKETS_SECONDS.find((bound) => seconds <= bound) ?? '+Inf')

const RETAIN_SECONDS = 7 * 24 * 3600

/**
 * Counters (processed, skipped, dead-lettered, retries, batch latency), a lag histogram and a
 * heartbeat, kept in Redis for the health endpoint and the ops view. One pipeline per batch.
 */
export class WorkerMetrics {
  private readonly keys: ReturnType<typeof metricsKeys>

  constructor(
    private readonly redis: Redis,
    private readonly settings: WorkerSettings,
  ) {
    this.keys = metricsKeys(settings)
  }

  async started(): Promise<void> {
    const key = this.keys.counters(this.settings.consumer)
    await this.redis
      .multi()
      .hset(key, { startedAt: new Date().toISOString(), state: 'running', pid: process.pid })
      .expire(key, RETAIN_SECONDS)
      .zadd(this.keys.workers, Date.now(), this.settings.consumer)
      .exec()
  }

  async heartbeat(state: string, extra: Record<string, string | number> = {}): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.keys.workers, Date.now(), this.settings.consumer)
      .hset(this.keys.counters(this.settings.consumer), { state, heartbeatAt: new Date().toISOString(), ...extra })
      .exec()
  }

  async batch(figures: BatchFigures): Promise<void> {
    // WORKER_REPORT_METRICS=false: no figures per batch (the bench's baseline); heartbeats stay.
    if (!this.settings.reportMetrics) return
    const key = this.keys.counters(this.settings.consumer)
    const lagKey = this.keys.lag(this.settings.consumer)
    const multi = this.redis
      .multi()
      .hincrby(key, 'processed', figures.processed)
      .hincrby(key, 'skipped', figures.skipped)
      .hincrby(key, 'deadLettered', figures.deadLettered)
      .hincrby(key, 'retries', figures.retries)
      .hincrby(key, 'batches', 1)
      .hincrby(key, 'batchMsTotal', Math.round(figures.batchMs))
      .hset(key, { lastBatchMs: Math.round(figures.batchMs), heartbeatAt: new Date().toISOString(), state: 'running' })
      .zadd(this.keys.workers, Date.now(), this.settings.consumer)
      .hincrby(this.keys.totals, 'processed', figures.processed)
      .hincrby(this.keys.totals, 'skipped', figures.skipped)
      .hincrby(this.keys.totals, 'deadLettered', figures.deadLettered)
      .hincrby(this.keys.totals, 'retries', figures.retries)
      .hset(this.keys.totals, 'lastBatchAt', Date.now())
      .hincrby(this.keys.batchHistogram, batchBucket(figures.batchMs / 1_000), 1)
      .hincrbyfloat(this.keys.batchHistogram, 'sum', figures.batchMs / 1_000)
    if (figures.lastEntryId) multi.hset(key, 'lastEntryId', figures.lastEntryId)
    const buckets = new Map<number, number>()
    for (const lag of figures.lagsMs) buckets.set(lagBucket(lag), (buckets.get(lagBucket(lag)) ?? 0) + 1)
    for (const [bucket, count] of buckets) multi.hincrby(lagKey, String(bucket), count)
    multi.expire(lagKey, RETAIN_SECONDS)
    await multi.exec()
  }

  /** A committed batch's change-feed messages could not be published (the board misses them until reload). */
  async publishFailed(): Promise<void> {
    await this.redis
      .multi()
      .hincrby(this.keys.counters(this.settings.consumer), 'feedPublishFailures', 1)
      .hincrby(this.keys.totals, 'feedPublishFailures', 1)
      .exec()
  }

  async stopped(): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.counters(this.settings.consumer), { state: 'stopped', stoppedAt: new Date().toISOString() })
      .zrem(this.keys.workers, this.settings.consumer)
      .exec()
  }
}

/** p-th percentile (0..100) of a lag histogram as stored by WorkerMetrics. */
export function histogramPercentile(histogram: Record<string, string | number>, p: number): number | undefined {
  const buckets = Object.entries(histogram)
    .map(([bucket, count]) => [Number(bucket), Number(count)] as const)
    .sort((a, b) => a[0] - b[0])
  const total = buckets.reduce((sum, [, count]) => sum + count, 0)
  if (total === 0) return undefined
  let seen = 0
  for (const [bucket, count] of buckets) {
    seen += count
    if (seen >= (p / 100) * total) return bucket
  }
  return buckets.at(-1)?.[0]
}
