/**
 * `pnpm bench --only portal`: the customer portal API under a real load generator (autocannon),
 * on the production build (`serve.ts --prod`, no workers inside, its own redis-server) over a
 * portal projection of 50,000 customers (bench/seedPortal.ts, cached under .tmp/bench):
 *   1. p50 / p95 / p99 of each endpoint at 200 and at 1,000 requests/s, three runs each, beside a
 *      bare node:http server at the same rate in the same run, with the app's CPU;
 *   2. the highest rate (all three endpoints mixed) held with p95 < 50 ms;
 *   3. drain throughput of a worker running both projections beside the dashboard alone.
 * Rate limits stay on, raised (PORTAL_RATE_LIMIT_*) so the load never reaches them.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import autocannon from 'autocannon'
import type { Redis } from 'ioredis'

import { generateCorpus } from '@/events/generate'
import { mintCustomerToken } from '@/portal/token'
import { PROJECTIONS } from '@/projections'
import { freePort } from '@/server/freePort'
import { metricsKeys } from '@/worker/metrics'

import {
  cmdline,
  cpuMeter,
  descendants,
  type Fmt,
  type Line,
  loadAverage,
  overRuns,
  percentile,
  percentilesOverRuns,
  sleep,
  serveApp,
} from './lib'

const CUSTOMERS = 50_000
const RATES = [200, 1_000]
const RUNS = 3
const SECONDS = 5
const CONNECTIONS = 32
const STEPS = [200, 400, 700, 1_000, 1_400, 2_000, 2_800, 4_000]
const DRAIN_EVENTS = 20_000

type Sample = { customerId: string; applicationNumber: string }
type Load = { latencies: number[]; non2xx: number; errors: number; sent: number; seconds: number }

const dir = path.resolve('.tmp/bench')
const WORKER_COMMAND = (JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.worker as string)
  .split(/\s+/)
  .slice(1)

function runNode(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}`))))
  })
}

/**
 * The seeded database, made once per checkout state: its name carries a hash of what shapes it
 * (the seeder, the generator, the portal projection, the migrations), so a change re-seeds.
 */
async function seeded(customers: number): Promise<{ file: string; seconds: number | null; note: string }> {
  const inputs = ['bench/seedPortal.ts', 'src/events/generate.ts', 'src/migrations/index.ts']
  const hash = crypto.createHash('sha256')
  for (const file of inputs) hash.update(fs.readFileSync(file))
  for (const file of fs.readdirSync('src/projections/portal').sort())
    hash.update(fs.readFileSync(path.join('src/projections/portal', file)))
  const file = path.join(dir, `portal-seed-${customers}-${hash.digest('hex').slice(0, 12)}.db`)
  if (fs.existsSync(`${file}.sample.json`)) return { file, seconds: null, note: 'reused' }
  const building = `${file}.building`
  for (const suffix of ['', '-wal', '-shm', '.sample.json']) fs.rmSync(`${building}${suffix}`, { force: true })
  const out = await runNode(['--import', 'tsx', 'bench/seedPortal.ts', String(customers)], {
    DATABASE_URI: `file:${building}`,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  })
  const report = JSON.parse(
    out
      .split('\n')
      .filter((text) => text.startsWith('{"customers"'))
      .at(-1)!,
  ) as { records: number; events: number; seconds: number }
  fs.renameSync(`${building}.sample.json`, `${file}.sample.json`)
  fs.renameSync(building, file)
  return {
    file,
    seconds: report.seconds,
    note:
      `${report.events.toLocaleString('en-US')} generated events folded into ` +
      `${report.records.toLocaleString('en-US')} records`,
  }
}

async function startApp(databaseUri: string) {
  const port = await freePort()
  const redisPort = await freePort()
  const child = await serveApp(['--port', String(port), '--redis-port', String(redisPort)], {
    ...process.env,
    DATABASE_URI: databaseUri,
    REDIS_URL: '',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ENABLE_EVENT_PROCESSING: 'false',
    PORTAL_RATE_LIMIT_PER_CUSTOMER: '1000000',
    PORTAL_RATE_LIMIT_PER_CLIENT: '100000000',
  })
  const nextPid = descendants(child.pid!).find((pid) => cmdline(pid).includes('next-server'))
  const stop = async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const stragglers = descendants(child.pid!)
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      // gone
    }
    await Promise.race([exited, sleep(10_000)])
    for (const pid of [child.pid!, ...stragglers]) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
  }
  return { port, nextPid, stop }
}

/** The floor: a bare node:http server in a process of its own answering a small JSON body. */
async function startRawServer() {
  const port = await freePort()
  const script = `require('node:http').createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"applications":[],"position":"0-0"}')
  }).listen(${port}, '127.0.0.1', () => process.stdout.write('listening\\n'))`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()))
  return { port, pid: child.pid!, stop: () => void child.kill('SIGKILL') }
}

/** autocannon at a fixed overall rate; every request's own latency (ms) recorded. */
async function load(port: number, rate: number, seconds: number, request: () => object) {
  const latencies: number[] = []
  const started = performance.now()
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    overallRate: rate,
    duration: seconds,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...request() }) }],
  })
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms))
  const result = await instance
  return {
    latencies,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    sent: result.requests.total,
    seconds: (performance.now() - started) / 1000,
  } satisfies Load
}

async function freshDatabase(): Promise<string> {
  const file = path.join(dir, `portal-drain-${crypto.randomUUID()}.db`)
  await runNode(['--import', 'tsx', 'bench/initDatabase.ts'], { DATABASE_URI: `file:${file}`, LOG_LEVEL: 'warn' })
  return `file:${file}`
}

async function groupDone(redis: Redis, stream: string, group: string): Promise<boolean> {
  const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as unknown[][]
  for (const row of groups) {
    const info = new Map<string, unknown>()
    for (let i = 0; i + 1 < row.length; i += 2) info.set(String(row[i]), row[i + 1])
    if (info.get('name') === group) return Number(info.get('lag')) === 0 && Number(info.get('pending')) === 0
  }
  return false
}

/** One worker (`pnpm worker`) draining `corpus` into `projections`, timed from its registration. */
async function drain(redisUrl: string, redis: Redis, projections: string[], corpus: Array<Record<string, string>>) {
  const stream = `bench:portal-drain:${crypto.randomUUID()}`
  for (let i = 0; i < corpus.length; i += 1_000) {
    const pipeline = redis.pipeline()
    for (const fields of corpus.slice(i, i + 1_000)) pipeline.xadd(stream, '*', ...Object.entries(fields).flat())
    await pipeline.exec()
  }
  // The raw ceiling on this stream now: XREADGROUP COUNT 500 + XACK, no projection.
  await redis.xgroup('CREATE', stream, 'raw', '0')
  const rawStarted = performance.now()
  for (;;) {
    const reply = (await redis.xreadgroup('GROUP', 'raw', 'raw-1', 'COUNT', 500, 'STREAMS', stream, '>')) as Array<
      [string, Array<[string, string[]]>]
    > | null
    const entries = reply?.[0]?.[1] ?? []
    if (entries.length === 0) break
    await redis.xack(stream, 'raw', ...entries.map(([id]) => id))
  }
  const raw = corpus.length / ((performance.now() - rawStarted) / 1000)
  const databaseUri = await freshDatabase()
  const worker = spawn(process.execPath, WORKER_COMMAND, {
    env: {
      ...process.env,
      DATABASE_URI: databaseUri,
      REDIS_URL: redisUrl,
      CHAT_LEDGER_STREAM: stream,
      WORKER_PROJECTIONS: projections.join(','),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const groups = projections.map((name) => PROJECTIONS[name as keyof typeof PROJECTIONS].group)
  const registries = groups.map((group) => metricsKeys({ stream, group }).workers)
  while ((await Promise.all(registries.map((key) => redis.zcard(key)))).some((n) => n === 0)) await sleep(20)
  const started = performance.now()
  const meter = cpuMeter({ worker: worker.pid })
  while (!(await Promise.all(groups.map((group) => groupDone(redis, stream, group)))).every(Boolean)) await sleep(50)
  const seconds = (performance.now() - started) / 1000
  const cpu = meter().worker!
  await new Promise<void>((resolve) => {
    worker.once('exit', () => resolve())
    worker.kill('SIGTERM')
  })
  for (const suffix of ['', '-wal', '-shm', '.schema'])
    fs.rmSync(`${databaseUri.slice('file:'.length)}${suffix}`, { force: true })
  await redis.del(stream)
  return { rate: corpus.length / seconds, raw, seconds, cpu }
}

export default async function runPortal(
  line: Line,
  fmt: Fmt,
  { redisUrl, redis, customers = CUSTOMERS }: { redisUrl: string; redis: Redis; customers?: number },
) {
  fs.mkdirSync(dir, { recursive: true })
  if (!fs.existsSync('.next/BUILD_ID')) {
    console.log('No production build (.next/BUILD_ID): running `pnpm build` first…')
    await runNode([path.resolve('node_modules/next/dist/bin/next'), 'build'], {})
  }
  const seed = await seeded(customers)
  const samples = JSON.parse(fs.readFileSync(`${seed.file}.sample.json`, 'utf8')) as Sample[]
  const work = path.join(dir, `portal-${crypto.randomUUID()}.db`)
  fs.copyFileSync(seed.file, work)
  const seedNote = seed.seconds === null ? 'seed reused' : `seeded in ${fmt(seed.seconds, 1)} s: ${seed.note}`
  console.log(
    `Portal API: \`serve.ts --prod\` (no workers inside, own redis-server) over ${fmt(customers)} customers' ` +
      `portal records (${seedNote}); ` +
      `autocannon, ${CONNECTIONS} connections, ${RUNS} runs of ${SECONDS} s, median (min–max). Load ${loadAverage()}`,
  )
  const app = await startApp(`file:${work}`)
  const raw = await startRawServer()
  try {
    const tokens = await Promise.all(
      samples.map(async (sample) => ({
        ...sample,
        token: await mintCustomerToken(sample.customerId, { ttlSeconds: 3_600 }),
      })),
    )
    let i = 0
    const pick = () => tokens[(i = (i + 7) % tokens.length)]!
    const endpoints: Array<[string, () => object]> = [
      [
        'applications',
        () => {
          const s = pick()
          return { path: `/api/customer/${s.customerId}/applications`, headers: { authorization: `Bearer ${s.token}` } }
        },
      ],
      [
        'application/:number',
        () => {
          const s = pick()
          return {
            path: `/api/customer/${s.customerId}/application/${s.applicationNumber}`,
            headers: { authorization: `Bearer ${s.token}` },
          }
        },
      ],
      [
        'conversations',
        () => {
          const s = pick()
          return {
            path: `/api/customer/${s.customerId}/conversations`,
            headers: { authorization: `Bearer ${s.token}` },
          }
        },
      ],
    ]
    // Warm up every route (compilation on first use, statement caches).
    for (const [, request] of endpoints) await load(app.port, 100, 2, request)

    for (const rate of RATES) {
      for (const [name, request] of endpoints) {
        const runs: Load[] = []
        const baseline: Load[] = []
        const cpu: number[] = []
        for (let run = 0; run < RUNS; run++) {
          const meter = cpuMeter({ app: app.nextPid })
          runs.push(await load(app.port, rate, SECONDS, request))
          cpu.push(meter().app! * 100)
          baseline.push(await load(raw.port, rate, SECONDS, () => ({ path: '/' })))
        }
        const achieved = runs.map((run) => run.latencies.length / run.seconds)
        const refused = runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0)
        line(
          `GET ${name} at ${fmt(rate)}/s: p50 / p95 / p99`,
          `${percentilesOverRuns(
            runs.map((run) => run.latencies),
            fmt,
            [50, 95, 99],
            1,
          )} ms`,
        )
        line(
          `   raw node:http, same run: p50 / p95 / p99`,
          `${percentilesOverRuns(
            baseline.map((run) => run.latencies),
            fmt,
            [50, 95, 99],
            1,
          )} ms`,
        )
        line(
          `   answered/s; app CPU (of a core); non-2xx+errors`,
          `${overRuns(achieved, fmt)}; ${overRuns(cpu, fmt)} %; ${fmt(refused)}`,
        )
      }
    }

    // The highest rate held: all three endpoints in turn, stepping up until p95 ≥ 50 ms or the
    // answers fall behind the asked rate.
    let mixed = 0
    const mix = () => endpoints[(mixed = (mixed + 1) % endpoints.length)]![1]()
    let held: { rate: number; p95: number; cpu: number } | undefined
    let failed: string | undefined
    for (const rate of STEPS) {
      const meter = cpuMeter({ app: app.nextPid })
      const run = await load(app.port, rate, SECONDS, mix)
      const cpu = meter().app! * 100
      const p95 = percentile(run.latencies, 95)
      const answered = run.latencies.length / run.seconds
      if (p95 >= 50 || answered < rate * 0.9 || run.non2xx + run.errors > 0) {
        const refused = run.non2xx + run.errors
        failed = `${fmt(rate)}/s: p95 ${fmt(p95, 1)} ms, ${fmt(answered)} answered/s, ${fmt(refused)} non-2xx+errors`
        break
      }
      held = { rate, p95, cpu }
    }
    line(
      `highest rate held with p95 < 50 ms (mixed endpoints, one run per step)`,
      held ? `${fmt(held.rate)}/s (p95 ${fmt(held.p95, 1)} ms, app CPU ${fmt(held.cpu)} %)` : 'none of the steps',
    )
    if (failed) line(`   next step`, failed)
  } finally {
    raw.stop()
    await app.stop()
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${work}${suffix}`, { force: true })
  }

  const corpus = generateCorpus({ events: DRAIN_EVENTS, seed: 21 })
  const alone = await drain(redisUrl, redis, ['dashboard'], corpus)
  const both = await drain(redisUrl, redis, ['dashboard', 'portal'], corpus)
  console.log(`  Drain ${fmt(DRAIN_EVENTS)} events, one \`pnpm worker\`, timed from its registration:`)
  for (const [label, result] of [
    ['dashboard alone', alone],
    ['dashboard and portal', both],
  ] as const) {
    line(
      `   ${label}: events/s`,
      `${fmt(result.rate)} (${fmt(result.seconds, 1)} s; worker CPU ${fmt(result.cpu * 100)} %; ` +
        `raw XREADGROUP+XACK, same run: ${fmt(result.raw)}/s)`,
    )
  }
  line(`   both / alone`, `${fmt((both.rate / alone.rate) * 100, 1)} %`)
}
