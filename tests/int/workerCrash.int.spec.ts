import crypto from 'node:crypto'
import os from 'node:os'

import { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { PROJECTIONS } from '@/projections'
import { seededRandom } from '@/events/random'
import config from '@/payload.config'
import { metricsKeys } from '@/worker/metrics'

import { expectDatabaseToEqual } from '../helpers/compare'
import { appendAll, groupInfo, oracleOf, waitUntilDrained, dlqOf } from '../helpers/stream'
import { exitWithin, killAll, spawnWorker, tailOf, type WorkerProcess } from '../helpers/workerProcess'
import { sleep } from '../helpers/wait'

/*
 * Three `pnpm worker` processes share one SQLite file and one consumer group while the test
 * SIGKILLs one of them every one to three seconds and starts a new one in its place. Whatever
 * instant a worker dies at (mid-transaction, between commit and XACK, while holding the write
 * lock), its entries are reclaimed by a peer or its successor and the database ends up exactly
 * as the pure projections say; lock contention between processes is waited out, never
 * dead-lettered.
 */

const WORKERS = 3
const KILLS = 5
/** Seeds the victims and pauses; a failure names it, CRASH_TEST_SEED=<seed> repeats the same choices. */
const SEED = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 100_000)

let payload: Payload
let redis: Redis
const spawned: WorkerProcess[] = []

beforeAll(async () => {
  // The schema is created here, once, before any worker process opens the file.
  payload = await getPayload({ config })
  payload.logger.level = 'warn'
  redis = new Redis(process.env.REDIS_URL!)
})

afterAll(async () => {
  await killAll(spawned)
  redis?.disconnect()
  await payload?.destroy()
})

describe('workers killed at random while three of them drain one stream', () => {
  it('lose nothing, duplicate nothing, dead-letter nothing, and stop cleanly on SIGTERM', async () => {
    // Given 12,000 generated events (with producer retries and other agents' entries) in a fresh stream
    const stream = `test:crash:${crypto.randomUUID()}`
    const group = PROJECTIONS.dashboard.group
    const corpus = generateCorpus({ events: 12_000, seed: 20_000, retries: 90, foreignAgents: 36 })
    const appended = await appendAll(redis, stream, corpus)
    const env = {
      DATABASE_URI: process.env.DATABASE_URI!,
      PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
      REDIS_URL: process.env.REDIS_URL!,
      CHAT_LEDGER_STREAM: stream,
      WORKER_PROJECTIONS: 'dashboard',
      WORKER_BATCH_SIZE: '250',
      WORKER_BLOCK_MS: '500',
      WORKER_CLAIM_IDLE_MS: '1000',
    }
    const random = seededRandom(SEED)
    let generation = 0
    const start = (slot: number) => {
      const worker = spawnWorker(`crash-${stream.slice(-8)}-${slot}-${generation++}`, {
        ...env,
        WORKER_ID: `crash-${slot}`,
      })
      spawned.push(worker)
      return worker
    }
    const slots = Array.from({ length: WORKERS }, (_, slot) => start(slot))
    const consumerOf = (slot: number) => `crash-${slot}@${os.hostname()}:${slots[slot]!.child.pid}`
    const workersKey = metricsKeys({ stream, group }).workers
    const registered = async (slot: number) => (await redis.zscore(workersKey, consumerOf(slot))) !== null

    // When one of them is SIGKILLed every 1–3 s (once it has registered) and replaced, KILLS times
    const kills: Array<{ slot: number; pending: number; lag: number }> = []
    try {
      while (kills.length < KILLS) {
        await sleep(random.int(1_000, 3_000))
        const info = await groupInfo(redis, stream, group)
        if (info && info.pending === 0 && info.lag === 0) break
        const candidates: number[] = []
        for (let slot = 0; slot < WORKERS; slot++) if (await registered(slot)) candidates.push(slot)
        if (candidates.length === 0) continue
        const slot = random.pick(candidates)
        slots[slot]!.child.kill('SIGKILL')
        await slots[slot]!.exited
        kills.push({ slot, pending: info?.pending ?? -1, lag: info?.lag ?? -1 })
        slots[slot] = start(slot)
      }
      await waitUntilDrained(redis, stream, group, 150_000)
    } catch (error) {
      throw new Error(
        [
          `${(error as Error).message} (seed ${SEED}, kills ${JSON.stringify(kills)})`,
          ...slots.map((w) => `--- ${w.name}\n${tailOf(w)}`),
        ].join('\n'),
      )
    }

    // Then the survivors stop on SIGTERM with exit code 0
    for (const worker of slots) worker.child.kill('SIGTERM')
    const exits = await Promise.all(slots.map((worker) => exitWithin(worker, 20_000)))
    expect(
      exits,
      `graceful exits (seed ${SEED})\n${slots.map((w) => `--- ${w.name}\n${tailOf(w)}`).join('\n')}`,
    ).toEqual(slots.map(() => ({ code: 0, signal: null })))
    // and every entry is acknowledged, none dead-lettered, and the database equals the oracle
    expect(await groupInfo(redis, stream, group)).toEqual({ pending: 0, lag: 0 })
    expect(await redis.xlen(dlqOf(stream))).toBe(0)
    await expectDatabaseToEqual(payload, oracleOf(appended))
    // and the kills really hit workers with work in hand
    expect(
      kills.filter((kill) => kill.pending > 0 || kill.lag > 0).length,
      `kills with work pending (seed ${SEED})`,
    ).toBeGreaterThanOrEqual(3)
  }, 240_000)
})
