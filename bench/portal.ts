/**
 * `pnpm bench --only portal`: the customer portal API over real HTTP, on the production build
 * (`serve.ts --prod`, no workers inside, its own redis-server) over a portal projection of 50,000
 * customers (bench/seedPortal.ts, cached under .tmp/bench):
 *   1. p50 / p95 / p99 of each endpoint at 200 and at 1,000 requests/s, paced evenly and open loop
 *      (bench/pacedLoad.ts: latency from when each request was due), three runs each, beside a bare
 *      node:http server at the same rate in the same run, with the app's CPU, and what each step of
 *      a request took (the answers' Server-Timing: the token check, the rate limits' and the stream
 *      position's Redis round trip, the read);
 *   2. the highest rate (all three endpoints mixed) held with p95 < 50 ms;
 *   3. the most one app process answers (autocannon, closed loop) on a portal endpoint beside
 *      /api/health/live, Payload's own floor: a request through Next and Payload doing nothing;
 *   4. two app processes on the same database and Redis, the load spread over both as a load
 *      balancer would: the highest rate they hold together and the most they answer, beside one's;
 *   5. drain throughput of a worker running both projections beside the dashboard alone.
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
  startProductionApp,
  startRawServer,
} from './lib'
import { drain } from './drain'
import { type Load, pacedLoad, type RequestSpec } from './pacedLoad'

const CUSTOMERS = 50_000
const RATES = [200, 1_000]
const RUNS = 3
const SECONDS = 5
const CONNECTIONS = 32
const STEPS = [200, 300, 400, 500, 600, 700, 800, 1_000, 1_200, 1_400, 1_700, 2_000, 2_400, 2_800, 3_400, 4_000]
const DRAIN_EVENTS = 20_000

type Sample = { customerId: string; applicationNumber: string }

const dir = path.resolve('.tmp/bench')

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

/** The production app over `databaseUri`, its own redis-server unless `redisUrl` names one to share. */
async function startApp(databaseUri: string, redisUrl?: string) {
  const app = await startProductionApp(databaseUri, {
    PORTAL_RATE_LIMIT_PER_CUSTOMER: '1000000',
    PORTAL_RATE_LIMIT_PER_CLIENT: '100000000',
    PORTAL_SERVER_TIMING: 'true',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  })
  const nextPid = descendants(app.child.pid!).find((pid) => cmdline(pid).includes('next-server'))
  return { ...app, nextPid }
}

/**
 * Closed loop (autocannon, no rate): as many answers per second as 16 callers on each port get,
 * all ports at once, and the CPU the apps (`pids`) spent per answer: on a machine shared with
 * other work the answers per second follow what the machine leaves, the CPU per answer much less.
 */
async function saturation(
  ports: number[],
  pids: Array<number | undefined>,
  seconds: number,
  request: () => RequestSpec,
): Promise<{ rate: number; cpuMs: number }> {
  const started = performance.now()
  const meter = cpuMeter(Object.fromEntries(pids.map((pid, i) => [String(i), pid])))
  const results = await Promise.all(
    ports.map((port) =>
      autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: 16,
        duration: seconds,
        requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...request() }) }],
      }),
    ),
  )
  const elapsed = (performance.now() - started) / 1000
  const cores = Object.values(meter()).reduce((sum, share) => sum + share, 0)
  const answered = results.reduce((sum, result) => sum + result.requests.total - result.non2xx, 0)
  return { rate: answered / elapsed, cpuMs: (cores * elapsed * 1000) / answered }
}

const load = (ports: number[], rate: number, seconds: number, request: () => RequestSpec) =>
  pacedLoad({ ports, rate, seconds, connections: CONNECTIONS, request })

/**
 * What each step of the answered requests took, from their Server-Timing, over all runs:
 * "name mean / p95 ms", and for a step whose answers describe it (token: remembered or checked;
 * position: shared or looked up) the share and mean of each description.
 */
function stepTimes(runs: Load[], fmt: Fmt): string {
  const steps = new Map<string, { durations: number[]; described: Map<string, number[]> }>()
  for (const run of runs) {
    for (const [name, timing] of run.timings) {
      const step = steps.get(name) ?? { durations: [], described: new Map<string, number[]>() }
      steps.set(name, step)
      step.durations.push(...timing.durations)
      for (const [description, durations] of timing.described) {
        step.described.set(description, [...(step.described.get(description) ?? []), ...durations])
      }
    }
  }
  if (steps.size === 0) return 'n/a (no Server-Timing)'
  const mean = (values: number[]) => values.reduce((sum, ms) => sum + ms, 0) / values.length
  return [...steps]
    .map(([name, { durations, described }]) => {
      const shares = [...described]
        .map(
          ([description, times]) =>
            `${fmt((times.length / durations.length) * 100)} % ${description} ${fmt(mean(times), 2)}`,
        )
        .join(', ')
      return `${name} ${fmt(mean(durations), 2)} / ${fmt(percentile(durations, 95), 2)}${shares ? ` (${shares})` : ''}`
    })
    .join('; ')
}

/**
 * The highest rate `ports` hold: `request` stepping up from `from` until the median p95 of three
 * runs reaches 50 ms, the answers fall behind the asked rate, or one is refused.
 */
async function highestRate(
  ports: number[],
  pids: Array<number | undefined>,
  request: () => RequestSpec,
  fmt: Fmt,
  from = 0,
): Promise<{ held?: { rate: number; p95: string }; failed?: string }> {
  let held: { rate: number; p95: string } | undefined
  for (const rate of STEPS.filter((step) => step >= from)) {
    const p95s: number[] = []
    const cpus: number[] = []
    let slow = 0
    let refused = 0
    for (let run = 0; run < RUNS; run++) {
      const meter = cpuMeter(Object.fromEntries(pids.map((pid, i) => [String(i), pid])))
      const result = await load(ports, rate, SECONDS, request)
      cpus.push(Object.values(meter()).reduce((sum, share) => sum + share, 0) * 100)
      p95s.push(percentile(result.latencies, 95))
      if (result.latencies.length / result.seconds < rate * 0.9) slow++
      refused += result.non2xx + result.errors
    }
    const p95 = `p95 ${overRuns(p95s, fmt, 1)} ms, app CPU ${overRuns(cpus, fmt)} %`
    if (percentile(p95s, 50) >= 50 || slow > RUNS / 2 || refused > 0) {
      return { held, failed: `${fmt(rate)}/s: ${p95}; runs behind the rate ${slow}; non-2xx+errors ${fmt(refused)}` }
    }
    held = { rate, p95 }
  }
  return { held }
}

export default async function runPortal(
  line: Line,
  fmt: Fmt,
  { redisUrl, redis, customers = CUSTOMERS }: { redisUrl: string; redis: Redis; customers?: number },
) {
  fs.mkdirSync(dir, { recursive: true })
  const seed = await seeded(customers)
  const samples = JSON.parse(fs.readFileSync(`${seed.file}.sample.json`, 'utf8')) as Sample[]
  const work = path.join(dir, `portal-${crypto.randomUUID()}.db`)
  fs.copyFileSync(seed.file, work)
  const seedNote = seed.seconds === null ? 'seed reused' : `seeded in ${fmt(seed.seconds, 1)} s: ${seed.note}`
  console.log(
    `Portal API: \`serve.ts --prod\` (no workers inside, own redis-server) over ${fmt(customers)} customers' ` +
      `portal records (${seedNote}); ` +
      `requests paced evenly, open loop, up to ${CONNECTIONS} connections, ${RUNS} runs of ${SECONDS} s, ` +
      `median (min–max). Load ${loadAverage()}`,
  )
  const app = await startApp(`file:${work}`)
  const raw = await startRawServer()
  let second: Awaited<ReturnType<typeof startApp>> | undefined
  try {
    const tokens = await Promise.all(
      samples.map(async (sample) => ({
        ...sample,
        token: await mintCustomerToken(sample.customerId, { ttlSeconds: 3_600 }),
      })),
    )
    let i = 0
    const pick = () => tokens[(i = (i + 7) % tokens.length)]!
    const endpoints: Array<[string, () => RequestSpec]> = [
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
    for (const [, request] of endpoints) await load([app.port], 100, 2, request)

    for (const rate of RATES) {
      for (const [name, request] of endpoints) {
        const runs: Load[] = []
        const baseline: Load[] = []
        const cpu: number[] = []
        for (let run = 0; run < RUNS; run++) {
          const meter = cpuMeter({ app: app.nextPid })
          runs.push(await load([app.port], rate, SECONDS, request))
          cpu.push(meter().app! * 100)
          baseline.push(await load([raw.port], rate, SECONDS, () => ({ path: '/' })))
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
        line(`   steps, mean / p95 ms (Server-Timing)`, stepTimes(runs, fmt))
      }
    }

    // The highest rate held: all three endpoints in turn, stepping up until the median p95 of three
    // runs reaches 50 ms or the answers fall behind the asked rate.
    let mixed = 0
    const mix = () => endpoints[(mixed = (mixed + 1) % endpoints.length)]![1]()
    const applications = endpoints[0]![1]
    const one = await highestRate([app.port], [app.nextPid], mix, fmt)
    line(
      `highest rate held with p95 < 50 ms (mixed endpoints, median of ${RUNS} runs per step)`,
      one.held ? `${fmt(one.held.rate)}/s (${one.held.p95})` : 'none of the steps',
    )
    if (one.failed) line(`   next step`, one.failed)

    // The ceiling of one app process, and how much of it is Next and Payload rather than the portal.
    const floor: Array<{ rate: number; cpuMs: number }> = []
    const ceiling: Array<{ rate: number; cpuMs: number }> = []
    for (let run = 0; run < RUNS; run++) {
      floor.push(await saturation([app.port], [app.nextPid], SECONDS, () => ({ path: '/api/health/live' })))
      ceiling.push(await saturation([app.port], [app.nextPid], SECONDS, applications))
    }
    const rates = (runs: Array<{ rate: number }>) => runs.map((run) => run.rate)
    const cpuMs = (runs: Array<{ cpuMs: number }>) => runs.map((run) => run.cpuMs)
    const share = (percentile(rates(ceiling), 50) / percentile(rates(floor), 50)) * 100
    line(
      `most answered/s, closed loop (autocannon, 16 connections)`,
      `GET applications ${overRuns(rates(ceiling), fmt)}; GET /api/health/live (Next + Payload, no work) ` +
        `${overRuns(rates(floor), fmt)}; applications / health ${fmt(share)} %`,
    )
    line(
      `   app CPU per answer, same runs`,
      `GET applications ${overRuns(cpuMs(ceiling), fmt, 2)} ms; GET /api/health/live ` +
        `${overRuns(cpuMs(floor), fmt, 2)} ms`,
    )

    // Scale-out: a second process on the same database file and the same Redis (shared rate limits),
    // the load spread over both in turn, as a load balancer would.
    second = await startApp(`file:${work}`, `redis://127.0.0.1:${app.redisPort}`)
    const ports = [app.port, second.port]
    await load(ports, 200, 2, mix)
    const two = await highestRate(ports, [app.nextPid, second.nextPid], mix, fmt, one.held?.rate ?? 0)
    const both: Array<{ rate: number; cpuMs: number }> = []
    const alone: Array<{ rate: number; cpuMs: number }> = []
    for (let run = 0; run < RUNS; run++) {
      alone.push(await saturation([app.port], [app.nextPid], SECONDS, applications))
      both.push(await saturation(ports, [app.nextPid, second.nextPid], SECONDS, applications))
    }
    console.log(
      `  Two app processes (same database file, same Redis), requests spread over both in turn. Load ${loadAverage()}`,
    )
    line(
      `   highest rate held with p95 < 50 ms (mixed)`,
      two.held
        ? `${fmt(two.held.rate)}/s (${two.held.p95}); one process ${one.held ? `${fmt(one.held.rate)}/s` : 'none'}` +
            (one.held ? `; two / one ${fmt(two.held.rate / one.held.rate, 2)}×` : '')
        : 'none of the steps',
    )
    if (two.failed) line(`   next step`, two.failed)
    line(
      `   most answered/s, closed loop (GET applications, 16 connections each)`,
      `two ${overRuns(rates(both), fmt)}; one ${overRuns(rates(alone), fmt)}; two / one ` +
        `${fmt(percentile(rates(both), 50) / percentile(rates(alone), 50), 2)}×; app CPU per answer ` +
        `two ${overRuns(cpuMs(both), fmt, 2)} ms, one ${overRuns(cpuMs(alone), fmt, 2)} ms`,
    )
  } finally {
    raw.stop()
    await second?.stop()
    await app.stop()
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${work}${suffix}`, { force: true })
  }

  const corpus = generateCorpus({ events: DRAIN_EVENTS, seed: 21 })
  const alone = await drain(redisUrl, redis, corpus, { name: 'portal-drain', projections: ['dashboard'] })
  const both = await drain(redisUrl, redis, corpus, { name: 'portal-drain', projections: ['dashboard', 'portal'] })
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
