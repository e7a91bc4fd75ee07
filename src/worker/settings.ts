import { booleanSetting, intSetting, positiveIntSetting, stringSetting } from '@/lib/env'
import { isProjectionName, PROJECTION_NAMES, type ProjectionName } from '@/projections'
import type { Projection } from '@/projections/define'
import { chatLedgerStream, consumerPrefix, deadLetterStreamOf } from '@/lib/stream'

/** Everything one projection's consumer can be told, with the defaults an operator expects (README). */
export type WorkerSettings = {
  /** The projection this consumer feeds. */
  projection: string
  stream: string
  group: string
  consumer: string
  deadLetterStream: string
  /** XREADGROUP COUNT: entries per batch. */
  batchSize: number
  /** XREADGROUP BLOCK in ms: how long an idle worker waits for new entries. */
  blockMs: number
  /** Entries idle this long in another consumer's pending list are taken over (XAUTOCLAIM). */
  claimIdleMs: number
  /** An event that fails this many deliveries with a non-transient error is dead-lettered. */
  maxAttempts: number
  /** The wait before an event that failed is tried again; doubled after each further failure. */
  retryBackoffMs: number
  /** Whether each batch's figures go to Redis (metrics, the operations view); heartbeats always do. */
  reportMetrics: boolean
}

export function workerSettings(projection: Projection, overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  const stream = overrides.stream ?? chatLedgerStream()
  const group = overrides.group ?? projection.group
  return {
    projection: projection.name,
    stream,
    group,
    // Unique per process, so a restarted worker never inherits a live one's pending list by accident.
    consumer: `${consumerPrefix()}${process.pid}`,
    deadLetterStream: deadLetterStreamOf(stream, group),
    batchSize: intSetting('WORKER_BATCH_SIZE', 500),
    blockMs: intSetting('WORKER_BLOCK_MS', 2_000),
    claimIdleMs: intSetting('WORKER_CLAIM_IDLE_MS', 30_000),
    maxAttempts: intSetting('WORKER_MAX_ATTEMPTS', 3),
    retryBackoffMs: intSetting('WORKER_RETRY_BACKOFF_MS', 5_000),
    reportMetrics: booleanSetting('WORKER_REPORT_METRICS', true),
    ...overrides,
  }
}

/**
 * The projections to run: `names` if given, else WORKER_PROJECTIONS (comma-separated), else all.
 * An unknown name stops the process with the list of known ones.
 */
export function selectProjections(names?: string[]): ProjectionName[] {
  const wanted = names?.length ? names : stringSetting('WORKER_PROJECTIONS', PROJECTION_NAMES.join(',')).split(',')
  const trimmed = [...new Set(wanted.map((name) => name.trim()).filter(Boolean))]
  const unknown = trimmed.filter((name) => !isProjectionName(name))
  if (unknown.length || trimmed.length === 0) {
    throw new Error(
      `unknown projection ${unknown.join(', ') || '(none given)'}: choose from ${PROJECTION_NAMES.join(', ')}`,
    )
  }
  return trimmed as ProjectionName[]
}

/** WORKER_STOP_WHEN_IDLE_MS (tests, benchmarks): a worker stops once the stream is idle this long; unset: never. */
export const stopWhenIdleMs = (): number | undefined =>
  process.env.WORKER_STOP_WHEN_IDLE_MS?.trim() ? positiveIntSetting('WORKER_STOP_WHEN_IDLE_MS', 1) : undefined
