/**
 * `pnpm bench --only ops`: what operations reads cost, with 4 workers and 2 projections registered
 * as workers register themselves. Each figure is the median of 3 runs (min–max), beside a same-run
 * raw baseline (the bare round trip it builds on).
 *
 *   over HTTP, on the production build (`serve.ts --prod`, its own redis-server, health uncached):
 *     GET /api/health (anonymous, and with details), GET /api/health/ready, GET /api/metrics,
 *     beside a bare node:http server
 *   in process: one scrape's work (the snapshot of every projection, the text format) and the
 *     snapshot health judges, beside a Redis PING
 *   dead letters: the console's first page of a group with 10,000 dead letters, cold (index built
 *     on first read) and warm
 *   reporting: drain throughput of one worker with WORKER_REPORT_METRICS on and off, alternating
 */
import crypto from 'node:crypto'
import path from 'node:path'

import { Redis } from 'ioredis'

import { generateCorpus } from '@/events/generate'
import { listGroupLetters, listGroups } from '@/ops/deadLetters'
import { metricsText } from '@/ops/metrics'
import { readSnapshot } from '@/ops/snapshot'
import { PROJECTION_NAMES, PROJECTIONS } from '@/projections'
import { WorkerMetrics } from '@/worker/metrics'
import { workerSettings } from '@/worker/settings'

import { drain, removeDatabase } from './drain'
import { overRuns, startProductionApp, startRawServer } from './lib'

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

/** 4 workers over 2 projections, each with a batch reported, as running workers leave them. */
async function registerWorkers(redis: Redis, stream: string) {
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
}

/** p95 of `times` sequential GETs of `url` (keep-alive), each body read to the end. */
async function httpP95(times: number, url: string, headers: Record<string, string> = {}): Promise<number> {
  return timedP95(times, async () => {
    const response = await fetch(url, { headers })
    await response.arrayBuffer()
    if (response.status >= 500 && !url.endsWith('/api/health')) throw new Error(`${url}: ${response.status}`)
  })
}

/** The operations endpoints over real HTTP, on the production build with health uncached. */
async function overHttp(line: Line, fmt: Fmt) {
  const stream = `bench:ops-http:${crypto.randomUUID()}`
  const token = crypto.randomBytes(16).toString('hex')
  // An empty file: the production app applies the committed migrations on boot.
  const databaseUri = `file:${path.resolve('.tmp/bench', `ops-http-${crypto.randomUUID()}.db`)}`
  const app = await startProductionApp(databaseUri, {
    CHAT_LEDGER_STREAM: stream,
    HEALTH_CACHE_MS: '0',
    HEALTH_TOKEN: token,
    METRICS_TOKEN: token,
    OPS_MONITOR_EVERY_MS: '3600000',
  })
  const redis = new Redis(`redis://127.0.0.1:${app.redisPort}`)
  const raw = await startRawServer()
  try {
    await registerWorkers(redis, stream)
    const base = `http://127.0.0.1:${app.port}`
    const bearer = { authorization: `Bearer ${token}` }
    const probes: Array<[string, string, Record<string, string>]> = [
      ['GET /api/health, anonymous (status only)', '/api/health', {}],
      ['GET /api/health, HEALTH_TOKEN (every check)', '/api/health', bearer],
      ['GET /api/health/ready', '/api/health/ready', {}],
      ['GET /api/metrics, METRICS_TOKEN', '/api/metrics', bearer],
    ]
    for (const [, path, headers] of probes) await httpP95(20, `${base}${path}`, headers) // warm-up
    console.log(
      '  Over HTTP: `serve.ts --prod` (no workers inside, own redis-server), 4 workers and 2 projections ' +
        'registered, HEALTH_CACHE_MS=0 (every answer computed); p95 of 200 sequential requests',
    )
    const baseline: number[] = []
    const runs = probes.map((): number[] => [])
    for (let run = 0; run < 3; run++) {
      baseline.push(await httpP95(200, `http://127.0.0.1:${raw.port}/`))
      for (const [i, [, path, headers]] of probes.entries())
        runs[i]!.push(await httpP95(200, `${base}${path}`, headers))
    }
    for (const [i, [label]] of probes.entries()) line(`${label} (target < 20 ms)`, `${overRuns(runs[i]!, fmt, 2)} ms`)
    line('   raw node:http, same run', `${overRuns(baseline, fmt, 2)} ms`)
  } finally {
    raw.stop()
    redis.disconnect()
    await app.stop()
    removeDatabase(databaseUri)
  }
}

/** Drain throughput of one worker with its per-batch reporting on and off, alternating runs. */
async function reportingCost(line: Line, fmt: Fmt, redisUrl: string, redis: Redis) {
  const corpus = generateCorpus({ events: 20_000, seed: 31 })
  const on: number[] = []
  const off: number[] = []
  const raw: number[] = []
  for (let run = 0; run < 3; run++) {
    for (const [report, rates] of [
      ['true', on],
      ['false', off],
    ] as const) {
      const result = await drain(redisUrl, redis, corpus, {
        name: 'ops-drain',
        env: { WORKER_REPORT_METRICS: report },
      })
      rates.push(result.rate)
      raw.push(result.raw)
    }
  }
  console.log(`  What reporting costs: ${fmt(corpus.length)} events drained by one worker (dashboard), 3 runs each`)
  line('   WORKER_REPORT_METRICS=true: events/s', overRuns(on, fmt))
  line('   WORKER_REPORT_METRICS=false: events/s', overRuns(off, fmt))
  line('   on / off (medians)', `${fmt((median3(on)[1]! / median3(off)[1]!) * 100, 1)} %`)
  line('   raw XREADGROUP+XACK, same runs: events/s', overRuns(raw, fmt))
}

export default async function runOps(line: Line, fmt: Fmt, redisUrl: string) {
  console.log('ops (operations reads; median of 3 runs, min–max)')
  await overHttp(line, fmt)
  const redis = new Redis(redisUrl)
  const stream = `bench:ops:${crypto.randomUUID()}`
  process.env.CHAT_LEDGER_STREAM = stream
  await registerWorkers(redis, stream)
  console.log('  In process, against the bench redis-server:')
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
  await reportingCost(line, fmt, redisUrl, redis)
  redis.disconnect()
}
