/**
 * `pnpm bench`: throughput, latency and memory figures for the worker, measured on this machine
 * with the embedded default (SQLite) and a private redis-server. Prints figures; asserts nothing.
 *
 *   pnpm bench [--events 50000] [--steady-seconds 20] [--portal-customers 50000] [--rebuild-events 1000000]
 *             [--only drain,append,steady,realtime,portal,rebuild,ops,board,analytics]
 */
import 'dotenv/config'

import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { Redis } from 'ioredis'

import { generateCorpus } from '@/events/generate'
import { startRedisServer } from '@/server/redisServer'
import { histogramPercentile, metricsKeys } from '@/worker/metrics'

import { drain, freshDatabase, spawnWorker, stopAll, untilDrained, untilRegistered } from './drain'
import { loadAverage, overRuns, percentile, rawReadLatency, throwawaySecrets } from './lib'

throwawaySecrets()

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    'steady-seconds': { type: 'string', default: '20' },
    'portal-customers': { type: 'string', default: '50000' },
    'rebuild-events': { type: 'string', default: '1000000' },
    only: { type: 'string', default: 'drain,append,steady,portal,realtime' },
  },
})
const sections = new Set(args.only.split(','))
const GROUP = 'payload-dashboard'
const dir = path.resolve('.tmp/bench')
fs.mkdirSync(dir, { recursive: true })

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const line = (label: string, value: string) => console.log(`  ${label.padEnd(52)} ${value}`)

/** The group's lag histogram over every consumer (WorkerMetrics), bucket → count. */
async function lagHistogram(redis: Redis, stream: string): Promise<Map<number, number>> {
  const keys = metricsKeys({ stream, group: GROUP })
  const histogram = new Map<number, number>()
  for (const consumer of await redis.zrange(keys.workers, 0, -1)) {
    for (const [bucket, n] of Object.entries(await redis.hgetall(keys.lag(consumer))))
      histogram.set(Number(bucket), (histogram.get(Number(bucket)) ?? 0) + Number(n))
  }
  return histogram
}

const RUNS = 3

/**
 * 200 events/s into one worker, three runs of `seconds` each on the same worker (after a short
 * warm-up), the clock starting once it has registered. Lag from XADD to committed write, from the
 * worker's own histogram (the difference over each run), beside a bare XREADGROUP consumer's.
 */
async function steady(redisUrl: string, redis: Redis, seconds: number) {
  const RATE = 200
  const stream = `bench:steady:${crypto.randomUUID()}`
  const databaseUri = await freshDatabase('steady')
  const groups = [GROUP]
  const raw = rawReadLatency(redis, stream)
  await raw.ready
  const spawnedAt = performance.now()
  const worker = spawnWorker({
    DATABASE_URI: databaseUri,
    REDIS_URL: redisUrl,
    CHAT_LEDGER_STREAM: stream,
    WORKER_ID: 'steady',
  })
  await untilRegistered(redis, stream, groups)
  const bootSeconds = (performance.now() - spawnedAt) / 1000
  const warmUp = 2 * RATE
  const corpus = generateCorpus({ events: warmUp + RATE * seconds * RUNS, seed: 11 })
  let next = 0
  const produce = async (events: number) => {
    const started = performance.now()
    for (let i = 0; i < events; i++) {
      const wait = started + (i * 1000) / RATE - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      await redis.xadd(stream, '*', ...Object.entries(corpus[next++]!).flat())
    }
    await untilDrained(redis, stream, groups)
  }
  await produce(warmUp)
  raw.take()
  const runs: Array<{ lag: Map<number, number>; raw: number[] }> = []
  for (let run = 0; run < RUNS; run++) {
    const before = await lagHistogram(redis, stream)
    await produce(RATE * seconds)
    const after = await lagHistogram(redis, stream)
    const lag = new Map([...after].map(([bucket, n]) => [bucket, n - (before.get(bucket) ?? 0)]))
    runs.push({ lag, raw: raw.take() })
  }
  await raw.stop()
  const peak = worker.peakMb()
  await stopAll([worker])
  console.log(
    `Steady load: ${RATE} events/s, ${RUNS} runs of ${seconds} s on 1 worker (booted in ${fmt(bootSeconds, 1)} s; ` +
      `clock from its registration). Lag from XADD to committed write; median of the runs (min–max). ` +
      `Load ${loadAverage()}`,
  )
  for (const p of [50, 99, 100]) {
    const label = p === 100 ? 'max' : `p${p}`
    const worker = runs.map((run) => histogramPercentile(Object.fromEntries(run.lag), p) ?? NaN)
    const bare = runs.map((run) => percentile(run.raw, p))
    line(label, `${overRuns(worker, fmt)} ms   raw XREADGROUP, same run: ${overRuns(bare, fmt)} ms`)
  }
  line('peak RSS of the worker', `${fmt(peak)} MB`)
}

async function main() {
  const redisServer = await startRedisServer()
  const redis = new Redis(redisServer.url)
  const count = Number(args.events)
  console.log(
    `Billie worker benchmark · ${new Date().toISOString()} · node ${process.version} · ${fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?'} cores`,
  )
  console.log(
    'Embedded default (SQLite, WAL) and a private redis-server; worker processes started with `pnpm worker`.\n',
  )
  try {
    if (sections.has('drain')) {
      const corpus = generateCorpus({ events: count, seed: 7 })
      console.log(
        `Drain ${fmt(corpus.length)} events into the dashboard projection ` +
          `(timed from the workers' registration; boot shown apart)`,
      )
      for (const workers of [1, 2]) {
        const result = await drain(redisServer.url, redis, corpus, { name: `drain${workers}`, workers })
        line(
          `${workers} worker${workers > 1 ? 's' : ''}: events/s`,
          `${fmt(result.rate)}  (${fmt(result.seconds, 1)} s; boot ${fmt(result.bootSeconds, 1)} s)`,
        )
        line(`   raw Redis XREADGROUP+XACK drain, same run: events/s`, fmt(result.raw))
        line(`   ratio to raw`, `${fmt((result.rate / result.raw) * 100, 1)} %`)
        line(`   peak RSS of a worker`, `${fmt(result.peakMb, 0)} MB`)
      }
      console.log()
    }
    if (sections.has('append')) {
      const { default: runAppend } = await import('./appendCost')
      await runAppend(line, fmt)
      console.log()
    }
    if (sections.has('ops')) await (await import('./ops')).default(line, fmt, redisServer.url)
    if (sections.has('steady')) {
      await steady(redisServer.url, redis, Number(args['steady-seconds']))
      console.log()
    }
    if (sections.has('portal')) {
      await (
        await import('./portal')
      ).default(line, fmt, {
        redisUrl: redisServer.url,
        redis,
        customers: Number(args['portal-customers']),
      })
      console.log()
    }
    if (sections.has('rebuild')) {
      await (
        await import('./rebuild')
      ).default(line, fmt, {
        redisUrl: redisServer.url,
        redis,
        events: Number(args['rebuild-events']),
      })
      console.log()
    }
    if (sections.has('board')) await (await import('./board')).default(line, fmt)
    if (sections.has('analytics') && sections.has('board')) {
      // Both hold a Payload of their own in this process, and getPayload keeps the first: one apart.
      await new Promise<void>((resolve, reject) =>
        spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--only', 'analytics'], { stdio: 'inherit' }).once(
          'exit',
          (code) => (code === 0 ? resolve() : reject(new Error(`the analytics bench exited ${code}`))),
        ),
      )
    } else if (sections.has('analytics')) await (await import('./analytics')).default(line, fmt)
    if (sections.has('realtime')) {
      const { default: runRealtime } = await import('./realtime')
      await runRealtime(line, fmt)
    }
  } finally {
    redis.disconnect()
    await redisServer.stop()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
