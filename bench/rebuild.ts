/**
 * `pnpm bench --only rebuild [--rebuild-events 1000000]`: verify and rebuild of the dashboard
 * projection over a generated stream of a million events (about 20,000 conversations), on the
 * embedded default, each job run as `pnpm projections …` in a process of its own:
 *   1. rebuild into an empty projection (every record written): time, events/s, peak RSS, and the
 *      board's list API (the production build beside it, no workers inside) p50/p95 meanwhile,
 *      beside the same API's figures on the quiet server just before;
 *   2. verify the result (the whole stream folded and compared): time, peak RSS;
 *   3. rebuild again, with nothing to rewrite (fold and compare only): time, events/s;
 *   4. rebuild into another empty projection, killed (SIGKILL) half way by the first one's time, then
 *      started again, which resumes it: both times, and their total against the first rebuild's.
 * The raw baseline beside the times: XRANGE of the whole stream with no parsing, same run.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import type { Redis } from 'ioredis'

import { generateCorpus } from '@/events/generate'
import { PROJECTIONS } from '@/projections'
import { freePort } from '@/server/freePort'

import {
  cmdline,
  descendants,
  type Fmt,
  type Line,
  loadAverage,
  peakRssMb,
  percentile,
  percentilesOverRuns,
  sleep,
  serveApp,
} from './lib'

const CHUNK = 100_000
const EMAIL = 'bench@example.com'
const PASSWORD = 'bench-password-1'
const LIST = '/api/conversations?limit=24&sort=-lastActivityAt,-conversationId&depth=0'
const dir = path.resolve('.tmp/bench')

/** Appends `events` generated events in chunks (each its own seed), never holding more than one. */
async function appendCorpus(redis: Redis, stream: string, events: number): Promise<number> {
  let conversations = 0
  for (let done = 0, chunk = 0; done < events; chunk++) {
    const size = Math.min(CHUNK, events - done)
    // 32 lines and 18 other entries per conversation: ~50 entries each, 20,000 per million.
    const corpus = generateCorpus({ seed: 500 + chunk, events: size, utterancesPerConversation: 32 })
    conversations += new Set(corpus.map((fields) => fields.cid)).size
    for (let i = 0; i < corpus.length; i += 1_000) {
      const pipeline = redis.pipeline()
      for (const fields of corpus.slice(i, i + 1_000)) pipeline.xadd(stream, '*', ...Object.entries(fields).flat())
      await pipeline.exec()
    }
    done += size
  }
  return conversations
}

/** XRANGE over the whole stream in pages of 5,000, nothing parsed: the floor of any fold. */
async function rawRead(redis: Redis, stream: string): Promise<number> {
  const started = performance.now()
  let cursor = '-'
  for (;;) {
    const page = (await redis.xrange(stream, cursor, '+', 'COUNT', 5_000)) as Array<[string, string[]]>
    if (page.length === 0) break
    cursor = `(${page[page.length - 1]![0]}`
    if (page.length < 5_000) break
  }
  return (performance.now() - started) / 1000
}

type Job = { seconds: number; peakMb: number; output: string; code: number | null }

/** The `projections` package script's node arguments (its heap cap among them), as `pnpm projections` runs them. */
const projectionsScript = (): string[] => {
  const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
  const [command, ...node] = manifest.scripts.projections!.split(/\s+/)
  if (command !== 'node') throw new Error(`the projections script no longer starts with node: ${command}`)
  return node
}

/**
 * `pnpm projections <args>` (with its node flags) in a process of its own, its peak RSS followed
 * from /proc; `killAfterSeconds`: killed (SIGKILL) that long after it started.
 */
function projections(args: string[], env: Record<string, string>, { killAfterSeconds = 0 } = {}): Promise<Job> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [...projectionsScript(), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    let peak = 0
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 250)
    const kill = killAfterSeconds ? setTimeout(() => child.kill('SIGKILL'), killAfterSeconds * 1000) : undefined
    child.once('exit', (code) => {
      clearInterval(timer)
      clearTimeout(kill)
      const seconds = (performance.now() - started) / 1000
      if (killAfterSeconds && code === null) return resolve({ seconds, peakMb: peak, output, code })
      // verify exits 1 on drift; anything else non-zero failed
      if (code !== 0 && !(args[0] === 'verify' && code === 1))
        return reject(new Error(`pnpm projections ${args.join(' ')} exited ${code}:\n${output.slice(-2_000)}`))
      resolve({ seconds, peakMb: peak, output, code })
    })
  })
}

/** What a verify found, kind by kind, with the first records named (from its --json output). */
function driftSummary(output: string): string {
  type KindDrift = { counts: Record<string, number>; missing: string[]; extra: string[]; differing: unknown[] }
  const drift = JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1)) as {
    kinds: Record<string, KindDrift>
  }
  return Object.entries(drift.kinds)
    .filter(([, kind]) => Object.values(kind.counts).some((count) => count > 0))
    .map(([name, kind]) => {
      const first = JSON.stringify([...kind.missing, ...kind.extra, ...kind.differing].slice(0, 3))
      return `     ${name}: ${JSON.stringify(kind.counts)}, first ${first}`
    })
    .join('\n')
}

async function startApp(databaseUri: string, redisUrl: string, stream: string) {
  const port = await freePort()
  const child = await serveApp(['--port', String(port)], {
    ...process.env,
    DATABASE_URI: databaseUri,
    REDIS_URL: redisUrl,
    CHAT_LEDGER_STREAM: stream,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ENABLE_EVENT_PROCESSING: 'false',
  })
  const base = `http://127.0.0.1:${port}`
  await fetch(`${base}/api/users/first-register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, firstName: 'Bench', lastName: 'Mark' }),
  })
  const login = await fetch(`${base}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  })
  const { token } = (await login.json()) as { token: string }
  const nextPid = descendants(child.pid!).find((pid) => cmdline(pid).includes('next-server'))
  const stop = async () => {
    const stragglers = descendants(child.pid!)
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      // gone
    }
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(10_000)])
    for (const pid of [child.pid!, ...stragglers]) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
  }
  return { base, token, nextPid, stop }
}

/** The board's first page, asked every 250 ms until `until` settles: each answer's time, and the counts seen. */
async function poll(app: { base: string; token: string }, until: Promise<unknown>) {
  const times: number[] = []
  const counts: number[] = []
  let done = false
  void until.finally(() => (done = true)).catch(() => undefined)
  while (!done) {
    const started = performance.now()
    const res = await fetch(`${app.base}${LIST}`, { headers: { authorization: `JWT ${app.token}` } })
    const body = (await res.json()) as { totalDocs?: number }
    times.push(performance.now() - started)
    counts.push(body.totalDocs ?? 0)
    await sleep(250)
  }
  return { times, counts }
}

const runsOf = (values: number[], runs = 3) => {
  const size = Math.ceil(values.length / runs)
  return Array.from({ length: runs }, (_, i) => values.slice(i * size, (i + 1) * size)).filter((run) => run.length)
}

export default async function runRebuild(
  line: Line,
  fmt: Fmt,
  { redisUrl, redis, events }: { redisUrl: string; redis: Redis; events: number },
) {
  fs.mkdirSync(dir, { recursive: true })
  const stream = `bench:rebuild:${crypto.randomUUID()}`
  const file = path.join(dir, `rebuild-${crypto.randomUUID()}.db`)
  const killedFile = path.join(dir, `rebuild-killed-${crypto.randomUUID()}.db`)
  const env = { DATABASE_URI: `file:${file}`, REDIS_URL: redisUrl, CHAT_LEDGER_STREAM: stream, NODE_ENV: 'production' }
  const generated = performance.now()
  const conversations = await appendCorpus(redis, stream, events)
  const generateSeconds = (performance.now() - generated) / 1000
  const raw = await rawRead(redis, stream)
  console.log(
    `Rebuild: ${fmt(events)} generated events (${fmt(conversations)} conversations, appended in ` +
      `${fmt(generateSeconds, 1)} s), dashboard projection, embedded SQLite; jobs run as \`pnpm projections\`. ` +
      `Load ${loadAverage()}`,
  )
  line('raw XRANGE of the whole stream, no parsing, same run', `${fmt(raw, 1)} s (${fmt(events / raw)} entries/s)`)
  const app = await startApp(`file:${file}`, redisUrl, stream)
  try {
    const quiet = await poll(
      app,
      sleep(5_000).then(() => undefined),
    )
    const rebuilding = projections(['rebuild', 'dashboard', '--yes', '--json'], env)
    const during = await poll(app, rebuilding)
    const first = await rebuilding
    const report = JSON.parse(
      first.output
        .split('\n')
        .filter((text) => text.startsWith('{'))
        .at(-1)!,
    ) as {
      kinds: Record<string, { created: number; updated: number }>
    }
    const written = Object.values(report.kinds).reduce((sum, kind) => sum + kind.created + kind.updated, 0)
    line(
      'rebuild into an empty projection: time; events/s',
      `${fmt(first.seconds, 1)} s; ${fmt(events / first.seconds)} (${fmt(written)} records and lines written; ` +
        'target < 3 min)',
    )
    line('   peak RSS of the rebuild process', `${fmt(first.peakMb)} MB (target < 1 GB)`)
    line(
      '   board list API during it: p50 / p95 (thirds of the run)',
      `${percentilesOverRuns(runsOf(during.times), fmt, [50, 95], 1)} ms (${fmt(during.times.length)} requests; ` +
        `count never dropped: ${during.counts.every((count, i) => i === 0 || count >= during.counts[i - 1]!)})`,
    )
    line(
      '   the same API on the quiet server just before: p50 / p95',
      `${fmt(percentile(quiet.times, 50), 1)} / ${fmt(percentile(quiet.times, 95), 1)} ms`,
    )
    const verified = await projections(['verify', 'dashboard', '--json'], env)
    line(
      'verify the result: time; peak RSS',
      `${fmt(verified.seconds, 1)} s; ${fmt(verified.peakMb)} MB (target < 1 min; ` +
        `${verified.code === 0 ? 'no drift' : 'drift reported'})`,
    )
    if (verified.code !== 0) console.log(driftSummary(verified.output))
    const again = await projections(['rebuild', 'dashboard', '--yes', '--json'], env)
    line(
      'rebuild again, nothing to rewrite: time; events/s',
      `${fmt(again.seconds, 1)} s; ${fmt(events / again.seconds)}`,
    )
    // The same rebuild into another empty projection, killed half way (by the first one's time) and started again.
    const killedEnv = { ...env, DATABASE_URI: `file:${killedFile}` }
    const killed = await projections(['rebuild', 'dashboard', '--yes', '--json'], killedEnv, {
      killAfterSeconds: first.seconds / 2,
    })
    const progress = await redis.hgetall(`${stream}:${PROJECTIONS.dashboard.group}:rebuild`)
    const resumed = await projections(['rebuild', 'dashboard', '--yes', '--json'], killedEnv)
    const total = killed.seconds + resumed.seconds
    line(
      'rebuild into an empty projection killed half way, then resumed: total; of uninterrupted',
      `${fmt(killed.seconds, 1)} + ${fmt(resumed.seconds, 1)} = ${fmt(total, 1)} s; ` +
        `${fmt(total / first.seconds, 2)}× (target ≤ 1.3×; killed while ${progress.phase}, ` +
        `${fmt(Number(progress.compared || 0))} of ${fmt(Number(progress.records || 0))} records compared)`,
    )
    console.log('   (times include the job process booting: Payload and its modules)')
  } finally {
    await app.stop()
    await redis.del(stream)
    for (const db of [file, killedFile])
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${db}${suffix}`, { force: true })
  }
}
