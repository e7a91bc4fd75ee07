/**
 * `pnpm bench --only realtime`: the app built for production (`serve.ts --prod`, its own
 * redis-server), measured from outside over HTTP, in two layouts on the same seeded data:
 * embedded (the workers inside the Next server) and production (the app with
 * ENABLE_EVENT_PROCESSING=false beside a separate `pnpm worker`).
 *   1. XADD → SSE frame at a client, with 100 clients connected, at 50 and 500 events/s: three
 *      runs per rate, each figure the median (min–max), beside a bare XREADGROUP consumer's
 *      latency in the same run and each process's share of a core;
 *   2. RSS of the next-server process with 0 and 500 idle SSE clients (embedded layout);
 *   3. the Live view's list queries against 50,000 conversations (embedded layout).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'

import { Redis } from 'ioredis'

import { generateCorpus } from '@/events/generate'
import { PROJECTIONS } from '@/projections'
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
  rawReadLatency,
  sleep,
  startProductionApp,
  stopProcessTree,
} from './lib'
import { groupProgress } from '@/lib/checkpoint'

const CONVERSATIONS = 50_000
const CLIENTS = 100
const IDLE_CLIENTS = 500
const RATES = [50, 500]
const SECONDS_PER_RATE = 10
const RUNS = 3
const REQUESTS = 50
const SEARCHED_NAMES = ['Amelia', 'Nguyen', 'Smith', 'Olivia', 'Lee']
const EMAIL = 'bench@example.com'
const PASSWORD = 'bench-password-1'

function runNode(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))))
  })
}

const rssMb = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

type Sse = { close: () => void; ready: Promise<void> }

/** A minimal SSE client on node:http: calls `onFrame(event, data, receivedAt)` per frame. */
function openSse(
  port: number,
  token: string,
  query: string,
  onFrame?: (event: string, data: string, at: number, id: string) => void,
): Sse {
  let request: http.ClientRequest
  const ready = new Promise<void>((resolve, reject) => {
    request = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/api/realtime${query}`,
        agent: false,
        headers: { accept: 'text/event-stream', authorization: `JWT ${token}` },
      },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET /api/realtime answered ${res.statusCode}`))
        res.setEncoding('utf8')
        let text = ''
        let resolved = false
        res.on('data', (chunk: string) => {
          const at = Date.now()
          text += chunk
          let end: number
          while ((end = text.indexOf('\n\n')) >= 0) {
            const frame = text.slice(0, end)
            text = text.slice(end + 2)
            let event = 'message'
            let data = ''
            let id = ''
            for (const line of frame.split('\n')) {
              if (line.startsWith('id:')) id = line.slice(3).trim()
              else if (line.startsWith('event:')) event = line.slice(6).trim()
              else if (line.startsWith('data:')) data += line.slice(5).trim()
            }
            if (!resolved && (event === 'ready' || event === 'reset')) {
              resolved = true
              resolve()
            }
            if (data) onFrame?.(event, data, at, id)
          }
        })
        res.on('error', () => undefined)
      },
    )
    request.on('error', (error) => reject(error))
  })
  ready.catch(() => undefined)
  return { ready, close: () => request.destroy() }
}

type Layout = 'embedded' | 'production'

/** What `pnpm worker` runs (package.json), started directly so its pid is the worker's. */
const WORKER_COMMAND = (JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.worker as string)
  .split(/\s+/)
  .slice(1)

/**
 * The app on `databaseUri` with its own redis-server; in the production layout without the
 * workers inside, and a `pnpm worker` beside it. Resolves once the admin answers and the
 * dashboard's worker has registered (its first heartbeat), with the pids to meter.
 */
async function startApp(databaseUri: string, layout: Layout) {
  const env = {
    ...process.env,
    DATABASE_URI: databaseUri,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production' as const,
    FIRST_BUILD_MIN_EVENTS: '0',
  }
  const startedAt = performance.now()
  const {
    port,
    redisPort,
    child,
    stop: stopApp,
  } = await startProductionApp(databaseUri, {
    ENABLE_EVENT_PROCESSING: layout === 'embedded' ? 'true' : 'false',
  })
  const appSeconds = (performance.now() - startedAt) / 1000
  const redis = new Redis(`redis://127.0.0.1:${redisPort}`)
  let worker: ChildProcess | undefined
  const workerStartedAt = performance.now()
  if (layout === 'production') {
    worker = spawn(process.execPath, WORKER_COMMAND, {
      env: { ...env, REDIS_URL: `redis://127.0.0.1:${redisPort}`, WORKER_ID: 'bench' },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  }
  const { workers: registry } = metricsKeys({ stream: 'chatLedger', group: PROJECTIONS.dashboard.group })
  while ((await redis.zcard(registry)) === 0) {
    if (worker && worker.exitCode !== null) throw new Error(`pnpm worker exited ${worker.exitCode}`)
    await sleep(50)
  }
  const workerSeconds = (performance.now() - workerStartedAt) / 1000
  const tree = descendants(child.pid!)
  const pids = {
    'next-server': tree.find((pid) => cmdline(pid).includes('next-server')),
    ...(worker ? { 'pnpm worker': worker.pid } : {}),
    'redis-server': tree.find((pid) => cmdline(pid).includes('redis-server')),
  }
  const stop = async () => {
    redis.disconnect()
    if (worker) await stopProcessTree(worker)
    await stopApp()
  }
  return { port, redis, pids, appSeconds, workerSeconds, stop }
}

async function signIn(base: string) {
  const registered = await fetch(`${base}/api/users/first-register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, firstName: 'Bench', lastName: 'Mark' }),
  })
  if (!registered.ok) throw new Error(`first-register answered ${registered.status}: ${await registered.text()}`)
  const login = await fetch(`${base}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  })
  const { token } = (await login.json()) as { token: string }
  if (!token) throw new Error(`login answered ${login.status} without a token`)
  return token
}

/** 3. The list API behind the Live view, on a quiet server. */
async function listApi(base: string, token: string, line: Line, fmt: Fmt) {
  const headers = { authorization: `JWT ${token}` }
  const timed = async (url: string) => {
    const started = performance.now()
    const res = await fetch(`${base}${url}`, { headers })
    const body = (await res.json()) as { docs?: unknown[]; totalDocs?: number }
    if (!res.ok) throw new Error(`${url} answered ${res.status}`)
    return { ms: performance.now() - started, docs: body.docs?.length ?? 0 }
  }
  // The Live view's queries (src/components/admin/shared/cards.ts): its order, and a keyset cursor.
  const list = '/api/conversations?limit=24&sort=-lastActivityAt,-conversationId&depth=0'
  const seededFrom = Date.parse('2025-03-03T09:00:00.000Z') // bench/seedConversations.ts
  const afterCursor = (i: number) => {
    const j = 1_000 + ((i * 7_919) % (CONVERSATIONS - 1_000))
    const at = new Date(seededFrom + j * 7_000).toISOString()
    const where = {
      or: [
        { lastActivityAt: { less_than: at } },
        {
          and: [
            { lastActivityAt: { equals: at } },
            { conversationId: { less_than: `bench-conv-${String(j).padStart(6, '0')}` } },
          ],
        },
      ],
    }
    return `${list}&where=${encodeURIComponent(JSON.stringify(where))}`
  }
  const queries: Array<[string, (i: number) => string]> = [
    ['first page (sort -lastActivityAt)', () => list],
    ['next page (keyset cursor)', afterCursor],
    [
      'search customerName like',
      (i) => `${list}&where[customerName][like]=${encodeURIComponent(SEARCHED_NAMES[i % SEARCHED_NAMES.length]!)}`,
    ],
    [
      'search applicationNumber like',
      (i) => `${list}&where[applicationNumber][like]=${1_000_000 + ((i * 977) % CONVERSATIONS)}`,
    ],
  ]
  for (let i = 0; i < 5; i++) for (const [, url] of queries) await timed(url(i)) // warm up
  for (const [label, url] of queries) {
    const runs: number[][] = []
    let hits = 0
    for (let run = 0; run < RUNS; run++) {
      const times: number[] = []
      for (let i = 0; i < REQUESTS; i++) {
        const { ms, docs } = await timed(url(i))
        times.push(ms)
        hits += docs
      }
      runs.push(times)
    }
    line(
      `list API, ${label}: p50 / p95`,
      `${percentilesOverRuns(runs, fmt, [50, 95], 1)} ms  ` +
        `(${RUNS}×${REQUESTS} requests, ${fmt(hits / (RUNS * REQUESTS), 1)} docs avg; target p95 < 100 ms)`,
    )
  }
}

/** 2. RSS of next-server with 0 and 500 idle SSE clients. */
async function idleClients(port: number, token: string, nextPid: number | undefined, line: Line, fmt: Fmt) {
  if (!nextPid) return line('next-server RSS', 'next-server process not found under serve.ts')
  const clients: Sse[] = []
  try {
    await sleep(2_000)
    const idle0 = rssMb(nextPid)
    for (let i = 0; i < IDLE_CLIENTS; i++) clients.push(openSse(port, token, ''))
    await Promise.all(clients.map((client) => client.ready))
    await sleep(3_000)
    const idle500 = rssMb(nextPid)
    line(`next-server RSS, 0 SSE clients`, `${fmt(idle0)} MB`)
    line(`next-server RSS, ${IDLE_CLIENTS} idle SSE clients`, `${fmt(idle500)} MB`)
    line(`   per client`, `${fmt(((idle500 - idle0) * 1024) / IDLE_CLIENTS, 1)} KB`)
  } finally {
    for (const client of clients) client.close()
    await sleep(1_000)
  }
}

type Run = { latencies: number[]; toPublish: number[]; toClient: number[]; raw: number[]; cpu: Record<string, number> }

/** 1. XADD → SSE frame with 100 clients, three runs per rate. */
async function latency(app: Awaited<ReturnType<typeof startApp>>, token: string, seed: number) {
  const { redis, port, pids } = app
  const corpus = generateCorpus({
    events: RATES.reduce((sum, rate) => sum + rate * SECONDS_PER_RATE * RUNS, 0) + 200,
    seed,
    startAt: new Date().toISOString(),
  })
  /** Each run's XADD window: a frame counts for the run whose window holds its event's time. */
  const windows: Array<{ from: number; to: number; run: Run }> = []
  const onFrame = (event: string, data: string, at: number, id: string) => {
    if (event !== 'utterances') return
    const match = /"entryIds":\["(\d+)-/.exec(data)
    if (!match) return
    const ms = Number(match[1])
    const current = windows.find((window) => ms >= window.from && ms <= window.to)?.run
    if (!current) return
    const published = Number(id.split('-')[0])
    current.latencies.push(at - ms)
    current.toPublish.push(published - ms)
    current.toClient.push(at - published)
  }
  const clients: Sse[] = []
  const raw = rawReadLatency(redis, 'chatLedger')
  await raw.ready
  try {
    for (let i = 0; i < CLIENTS; i++)
      clients.push(openSse(port, token, '?collection=utterances,conversations', onFrame))
    await Promise.all(clients.map((client) => client.ready))
    let next = 0
    const xadd = async (rate: number, seconds: number, run?: Run) => {
      const total = rate * seconds
      const started = Date.now()
      const window = { from: started, to: Infinity, run: run! }
      if (run) windows.push(window)
      for (let sent = 0; sent < total;) {
        const due = Math.min(total, Math.floor(((Date.now() - started) * rate) / 1000) + 1)
        if (due > sent) {
          const pipeline = redis.pipeline()
          for (; sent < due; sent++)
            pipeline.xadd('chatLedger', '*', ...Object.entries(corpus[next++ % corpus.length]!).flat())
          await pipeline.exec()
        }
        await sleep(10)
      }
      window.to = Date.now()
    }
    /** Until the dashboard's group has projected everything (at most 60 s), so runs do not overlap. */
    const drained = async () => {
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        const progress = await groupProgress(redis, 'chatLedger', PROJECTIONS.dashboard.group)
        if (progress && progress.pending === 0 && progress.undelivered === 0) return
        await sleep(100)
      }
    }
    await xadd(20, 5) // warm up: statement caches, JIT
    await sleep(2_000)
    const byRate = new Map<number, { runs: Run[]; loopP99: number }>()
    for (const rate of RATES) {
      const runs: Run[] = []
      const loop = monitorEventLoopDelay({ resolution: 10 })
      loop.enable()
      for (let run = 0; run < RUNS; run++) {
        const current: Run = { latencies: [], toPublish: [], toClient: [], raw: [], cpu: {} }
        raw.take()
        const meter = cpuMeter(pids)
        await xadd(rate, SECONDS_PER_RATE, current)
        await drained()
        current.cpu = meter() // over the run: producing, and projecting what was produced
        await sleep(1_000) // the last frames on their way to the clients
        current.raw = raw.take()
        runs.push(current)
      }
      loop.disable()
      byRate.set(rate, { runs, loopP99: loop.percentile(99) / 1e6 })
    }
    return byRate
  } finally {
    for (const client of clients) client.close()
    await raw.stop()
  }
}

function printLatency(byRate: Awaited<ReturnType<typeof latency>>, line: Line, fmt: Fmt) {
  for (const [rate, { runs, loopP99 }] of byRate) {
    line(
      `XADD → SSE frame, ${rate} events/s, ${CLIENTS} clients: p50 / p95 / p99`,
      `${percentilesOverRuns(
        runs.map((run) => run.latencies),
        fmt,
      )} ms  (${fmt(runs.reduce((sum, run) => sum + run.latencies.length, 0) / runs.length)} frames per run)`,
    )
    line(
      `   max`,
      `${overRuns(
        runs.map((run) => percentile(run.latencies, 100)),
        fmt,
      )} ms`,
    )
    line(
      `   XADD → published; published → client: p99`,
      `${overRuns(
        runs.map((run) => percentile(run.toPublish, 99)),
        fmt,
      )} ms; ${overRuns(
        runs.map((run) => percentile(run.toClient, 99)),
        fmt,
      )} ms`,
    )
    line(
      `   raw XREADGROUP in the bench, same run: p50 / p99`,
      `${percentilesOverRuns(
        runs.map((run) => run.raw),
        fmt,
        [50, 99],
      )} ms (bench event-loop delay p99 ${fmt(loopP99)} ms)`,
    )
    const names = Object.keys(runs[0]?.cpu ?? {})
    line(
      `   CPU, share of one core: ${names.join(' / ')}`,
      names
        .map(
          (name) =>
            `${overRuns(
              runs.map((run) => run.cpu[name]! * 100),
              fmt,
            )} %`,
        )
        .join(' / '),
    )
  }
}

export default async function runRealtime(line: Line, fmt: Fmt) {
  const dir = path.resolve('.tmp/bench')
  fs.mkdirSync(dir, { recursive: true })
  const id = crypto.randomUUID()
  const files = { embedded: path.join(dir, `realtime-${id}.db`), production: path.join(dir, `realtime-${id}-prod.db`) }
  const seedStarted = performance.now()
  await runNode(['--import', 'tsx', 'bench/seedConversations.ts', String(CONVERSATIONS)], {
    DATABASE_URI: `file:${files.embedded}`,
    NODE_ENV: 'production',
  })
  const seedSeconds = (performance.now() - seedStarted) / 1000
  // The same seeded data for the second layout (the seeder closed the file: no WAL left to copy).
  fs.copyFileSync(files.embedded, files.production)
  console.log(
    `Real time: \`serve.ts --prod\` (own redis-server) on ${fmt(CONVERSATIONS)} seeded conversations ` +
      `(seeded in ${fmt(seedSeconds, 1)} s); ${RUNS} runs of ${SECONDS_PER_RATE} s per rate, median (min–max). ` +
      `Load ${loadAverage()}`,
  )
  try {
    for (const layout of ['embedded', 'production'] as const) {
      const app = await startApp(`file:${files[layout]}`, layout)
      try {
        console.log(
          layout === 'embedded'
            ? `  Embedded layout: workers inside the Next server (app up in ${fmt(app.appSeconds, 1)} s)`
            : `  Production layout: the app (ENABLE_EVENT_PROCESSING=false) and a separate \`pnpm worker\` ` +
                `(app up in ${fmt(app.appSeconds, 1)} s, worker registered ${fmt(app.workerSeconds, 1)} s after)`,
        )
        const base = `http://127.0.0.1:${app.port}`
        const token = await signIn(base)
        if (layout === 'embedded') {
          await listApi(base, token, line, fmt)
          await idleClients(app.port, token, app.pids['next-server'], line, fmt)
        }
        printLatency(await latency(app, token, layout === 'embedded' ? 13 : 17), line, fmt)
      } finally {
        await app.stop()
      }
    }
    console.log('   target: p99 < 150 ms at 500 events/s in the production layout')
  } finally {
    for (const file of Object.values(files))
      for (const suffix of ['', '-wal', '-shm', '.schema']) fs.rmSync(`${file}${suffix}`, { force: true })
  }
}
