/**
 * `pnpm bench --only realtime`: the app as deployed (`serve.ts --prod`, worker inside, its own
 * redis-server), measured from outside over HTTP:
 *   1. XADD → SSE frame at a client, with 100 clients connected, at 50 and 500 events/s;
 *   2. RSS of the next-server process with 0 and 500 idle SSE clients;
 *   3. the Live view's list queries against 50,000 conversations.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'

import { Redis } from 'ioredis'

import { generateCorpus } from '@/events/generate'
import { freePort } from '@/server/freePort'

type Line = (label: string, value: string) => void
type Fmt = (n: number, digits?: number) => string

const CONVERSATIONS = 50_000
const CLIENTS = 100
const IDLE_CLIENTS = 500
const RATES = [50, 500]
const SECONDS_PER_RATE = 10
const REQUESTS = 50
const SEARCHED_NAMES = ['Amelia', 'Nguyen', 'Smith', 'Olivia', 'Lee']
const EMAIL = 'bench@example.com'
const PASSWORD = 'bench-password-1'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

function runNode(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))))
  })
}

/** Every process below `root` (walking /proc). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)])
    } catch {
      // gone
    }
  }
  const found: number[] = []
  const queue = [root]
  while (queue.length) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      found.push(pid)
      queue.push(pid)
    }
  }
  return found
}

const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  } catch {
    return ''
  }
}

/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
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

async function startServer(databaseUri: string) {
  const port = await freePort()
  const redisPort = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/scripts/serve.ts', '--prod', '--port', String(port), '--redis-port', String(redisPort)],
    {
      env: { ...process.env, DATABASE_URI: databaseUri, REDIS_URL: '', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    },
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start in 180 s:\n${output}`)), 180_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (!output.includes('supervisor dashboard:')) return
      clearTimeout(timer)
      resolve()
    })
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`serve.ts exited ${code}:\n${output}`))))
  })
  child.stdout!.resume()
  const stop = async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const stragglers = descendants(child.pid!)
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      // already gone
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
  return { child, port, redisPort, stop }
}

export default async function runRealtime(line: Line, fmt: Fmt) {
  const dir = path.resolve('.tmp/bench')
  fs.mkdirSync(dir, { recursive: true })
  if (!fs.existsSync('.next/BUILD_ID')) {
    console.log('No production build (.next/BUILD_ID): running `pnpm build` first…')
    await new Promise<void>((resolve, reject) => {
      const child = spawn('pnpm', ['build'], { stdio: ['ignore', 'ignore', 'inherit'] })
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pnpm build exited ${code}`))))
    })
  }
  const file = path.join(dir, `realtime-${crypto.randomUUID()}.db`)
  const databaseUri = `file:${file}`
  const seedStarted = performance.now()
  await runNode(['--import', 'tsx', 'bench/seedConversations.ts', String(CONVERSATIONS)], {
    DATABASE_URI: databaseUri,
    NODE_ENV: 'production',
  })
  const seedSeconds = (performance.now() - seedStarted) / 1000

  const bootStarted = performance.now()
  const server = await startServer(databaseUri)
  const bootSeconds = (performance.now() - bootStarted) / 1000
  const base = `http://127.0.0.1:${server.port}`
  const redis = new Redis(`redis://127.0.0.1:${server.redisPort}`)
  const clients: Sse[] = []
  try {
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
    const headers = { authorization: `JWT ${token}` }

    console.log(
      `Real time: \`serve.ts --prod\` (worker inside, own redis-server), ${fmt(CONVERSATIONS)} conversations ` +
        `seeded in ${fmt(seedSeconds, 1)} s; app up in ${fmt(bootSeconds, 1)} s`,
    )

    // 3. List API behind the Live view (first, on a quiet server).
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
      const times: number[] = []
      let hits = 0
      for (let i = 0; i < REQUESTS; i++) {
        const { ms, docs } = await timed(url(i))
        times.push(ms)
        hits += docs
      }
      line(
        `list API, ${label}: p50 / p95`,
        `${fmt(percentile(times, 50), 1)} / ${fmt(percentile(times, 95), 1)} ms  ` +
          `(${REQUESTS} requests, ${fmt(hits / REQUESTS, 1)} docs avg; target p95 < 100 ms)`,
      )
    }

    // 2. RSS of next-server with 0 and 500 idle SSE clients.
    const nextPid = descendants(server.child.pid!).find((pid) => cmdline(pid).includes('next-server'))
    if (nextPid) {
      await sleep(2_000)
      const idle0 = rssMb(nextPid)
      for (let i = 0; i < IDLE_CLIENTS; i++) clients.push(openSse(server.port, token, ''))
      await Promise.all(clients.map((client) => client.ready))
      await sleep(3_000)
      const idle500 = rssMb(nextPid)
      line(`next-server RSS, 0 SSE clients`, `${fmt(idle0)} MB`)
      line(`next-server RSS, ${IDLE_CLIENTS} idle SSE clients`, `${fmt(idle500)} MB`)
      line(`   per client`, `${fmt(((idle500 - idle0) * 1024) / IDLE_CLIENTS, 1)} KB`)
      for (const client of clients.splice(0)) client.close()
      await sleep(1_000)
    } else {
      line('next-server RSS', 'next-server process not found under serve.ts')
    }

    // 1. XADD → SSE frame latency with 100 clients.
    const corpus = generateCorpus({
      events: RATES.reduce((sum, rate) => sum + rate * SECONDS_PER_RATE, 0) + 200,
      seed: 13,
      startAt: new Date().toISOString(),
    })
    let phaseStart = Infinity
    let latencies: number[] = []
    /** The two legs: XADD → change published (worker), published → frame at the client (SSE fan-out). */
    let toPublish: number[] = []
    let toClient: number[] = []
    const onFrame = (event: string, data: string, at: number, id: string) => {
      if (event !== 'utterances') return
      const match = /"entryIds":\["(\d+)-/.exec(data)
      if (!match) return
      const ms = Number(match[1])
      if (ms < phaseStart) return
      const published = Number(id.split('-')[0])
      latencies.push(at - ms)
      toPublish.push(published - ms)
      toClient.push(at - published)
    }
    for (let i = 0; i < CLIENTS; i++)
      clients.push(openSse(server.port, token, '?collection=utterances,conversations', onFrame))
    await Promise.all(clients.map((client) => client.ready))
    let next = 0
    const xadd = async (rate: number, seconds: number, record: boolean) => {
      const total = rate * seconds
      const started = Date.now()
      if (record) phaseStart = started
      const tick = 10
      for (let sent = 0; sent < total;) {
        const due = Math.min(total, Math.floor(((Date.now() - started) * rate) / 1000) + 1)
        if (due > sent) {
          const pipeline = redis.pipeline()
          for (; sent < due; sent++)
            pipeline.xadd('chatLedger', '*', ...Object.entries(corpus[next++ % corpus.length]!).flat())
          await pipeline.exec()
        }
        await sleep(tick)
      }
    }
    await xadd(20, 5, false) // warm up: the worker's group, statement caches, JIT
    await sleep(2_000)
    for (const rate of RATES) {
      latencies = []
      toPublish = []
      toClient = []
      const loop = monitorEventLoopDelay({ resolution: 10 })
      loop.enable()
      const cpuBefore = nextPid ? cpuSeconds(nextPid) : NaN
      const started = performance.now()
      await xadd(rate, SECONDS_PER_RATE, true)
      const cpu = nextPid ? (cpuSeconds(nextPid) - cpuBefore) / ((performance.now() - started) / 1000) : NaN
      await sleep(3_000)
      loop.disable()
      phaseStart = Infinity
      const frames = latencies.length
      line(
        `XADD → SSE frame, ${rate} events/s, ${CLIENTS} clients: p50 / p95 / p99`,
        `${[50, 95, 99].map((p) => fmt(percentile(latencies, p))).join(' / ')} ms  ` +
          `(${fmt(frames)} utterance frames; max ${fmt(percentile(latencies, 100))} ms)`,
      )
      line(
        `   of which XADD → published; published → client: p99`,
        `${fmt(percentile(toPublish, 99))} ms; ${fmt(percentile(toClient, 99))} ms`,
      )
      line(
        `   next-server CPU; bench client event-loop delay p99`,
        `${fmt(cpu * 100)} % of a core; ${fmt(loop.percentile(99) / 1e6)} ms`,
      )
    }
    console.log('   target: p99 < 250 ms at 500 events/s')
  } finally {
    for (const client of clients) client.close()
    redis.disconnect()
    await server.stop()
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true })
  }
}
