/**
 * `pnpm bench --only ops`: what operations reads cost, against a private redis-server with 4
 * workers and 2 projections registered as workers register themselves. Each figure is the median
 * of 3 runs (min–max), beside a same-run raw baseline (the bare Redis round trip it builds on).
 *
 *   metrics: one scrape's work (the snapshot of every projection, the text format)
 *   health (Redis part): the snapshot health judges (its database check is one count query)
 *   dead letters: the console's first page of a group with 10,000 dead letters, cold (index built
 *   on first read) and warm
 */
import crypto from 'node:crypto'

import { Redis } from 'ioredis'

import { listGroupLetters, listGroups } from '@/ops/deadLetters'
import { metricsText } from '@/ops/metrics'
import { readSnapshot } from '@/ops/snapshot'
import { PROJECTION_NAMES, PROJECTIONS } from '@/projections'
import { WorkerMetrics } from '@/worker/metrics'
import { workerSettings } from '@/worker/settings'

type Line = (label: string, value: string) => void
type Fmt = (n: number, digits?: number) => string

const p95 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.95)]!
const median3 = (runs: number[]) => [...runs].sort((a, b) => a - b)

async function timedP95(times: number, call: () => Promise<unknown>): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    await call()
    samples.push(performance.now() - started)
  }
  return p95(samples)
}

export default async function runOps(line: Line, fmt: Fmt, redisUrl: string) {
  const redis = new Redis(redisUrl)
  const stream = `bench:ops:${crypto.randomUUID()}`
  process.env.CHAT_LEDGER_STREAM = stream
  console.log('ops (operations reads; median of 3 runs, min–max)')
  // 4 workers over 2 projections, each with a batch reported.
  for (const name of PROJECTION_NAMES) {
    await redis.xgroup('CREATE', stream, PROJECTIONS[name].group, '0', 'MKSTREAM')
    for (const n of [1, 2]) {
      const metrics = new WorkerMetrics(
        redis,
        workerSettings(PROJECTIONS[name], { stream, consumer: `bench-${name}-${n}`, reportMetrics: true }),
      )
      await metrics.started()
      await metrics.batch({ processed: 500, skipped: 3, deadLettered: 1, retries: 0, batchMs: 120, lagsMs: [5, 9] })
    }
  }
  const show = (label: string, runs: number[], baseline: number[]) => {
    const [min, mid, max] = median3(runs)
    const [, base] = median3(baseline)
    line(label, `${fmt(mid!, 2)} ms (${fmt(min!, 2)}–${fmt(max!, 2)}); raw PING p95 ${fmt(base!, 2)} ms`)
  }
  const ping = () => timedP95(200, () => redis.ping())
  const metricsRuns: number[] = []
  const healthRuns: number[] = []
  const pings: number[] = []
  for (let run = 0; run < 3; run++) {
    pings.push(await ping())
    metricsRuns.push(await timedP95(200, async () => metricsText(await readSnapshot(redis, { staleMs: 30_000 }), [])))
    healthRuns.push(await timedP95(200, () => readSnapshot(redis, { staleMs: 30_000 })))
  }
  show('/api/metrics work, p95 (target < 20 ms)', metricsRuns, pings)
  show('/api/health Redis snapshot, p95 (target < 20 ms)', healthRuns, pings)

  // 10,000 dead letters in one failure group.
  const settings = workerSettings(PROJECTIONS.dashboard, { stream })
  for (let i = 0; i < 10_000; i += 1_000) {
    const pipeline = redis.pipeline()
    for (let j = i; j < i + 1_000; j++) {
      const fields = ['agt', 'broker', 'typ', 'user_input', 'cid', `conv-${j}`, 'seq', 'abc', 'dat', '{"u":"hi"}']
      pipeline.xadd(
        settings.deadLetterStream,
        '*',
        'entryId',
        `${1_700_000_000_000 + j}-1`,
        'fields',
        JSON.stringify(fields),
        'reason',
        `seq "abc" of conv-${j} is not a number`,
        'attempts',
        '1',
        'consumer',
        'bench',
        'projection',
        'dashboard',
        'failedAt',
        new Date().toISOString(),
      )
    }
    await pipeline.exec()
  }
  const cold = performance.now()
  const groups = await listGroups(redis, 'dashboard')
  const coldMs = performance.now() - cold
  const group = groups[0]!
  const firstPage: number[] = []
  const rawPage: number[] = []
  for (let run = 0; run < 3; run++) {
    firstPage.push(
      await timedP95(50, async () => {
        await listGroups(redis, 'dashboard')
        await listGroupLetters(redis, 'dashboard', group.fingerprint, { page: 1, limit: 50 })
      }),
    )
    rawPage.push(await timedP95(50, () => redis.xrevrange(settings.deadLetterStream, '+', '-', 'COUNT', 50)))
  }
  line(
    'dead letters indexed',
    `${fmt(await redis.xlen(settings.deadLetterStream))} (largest group ${fmt(group.count)})`,
  )
  line('dead-letter index, first read (cold, once)', `${fmt(coldMs, 1)} ms`)
  const [min, mid, max] = median3(firstPage)
  line(
    'groups + first page, p95 (target < 200 ms)',
    `${fmt(mid!, 2)} ms (${fmt(min!, 2)}–${fmt(max!, 2)}); raw XREVRANGE 50 p95 ${fmt(median3(rawPage)[1]!, 2)} ms`,
  )
  delete process.env.CHAT_LEDGER_STREAM
  redis.disconnect()
}
