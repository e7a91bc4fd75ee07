import os from 'node:os'

import { intSetting } from '@/lib/env'

/** Everything the worker can be told through the environment, with the defaults an operator expects. */
export type WorkerSettings = {
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
  /** A write that fails this many times with a non-transient error is dead-lettered. */
  maxAttempts: number
}

export function workerSettings(overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  const stream = overrides.stream ?? process.env.CHAT_LEDGER_STREAM ?? 'chatLedger'
  const workerId = process.env.WORKER_ID || 'worker'
  return {
    stream,
    group: process.env.CONSUMER_GROUP || 'payload-dashboard',
    // Unique per process, so a restarted worker never inherits a live one's pending list by accident.
    consumer: `${workerId}@${os.hostname()}:${process.pid}`,
    deadLetterStream: `${stream}:dlq`,
    batchSize: intSetting('WORKER_BATCH_SIZE', 500),
    blockMs: intSetting('WORKER_BLOCK_MS', 2_000),
    claimIdleMs: intSetting('WORKER_CLAIM_IDLE_MS', 30_000),
    maxAttempts: intSetting('WORKER_MAX_ATTEMPTS', 3),
    ...overrides,
  }
}
