/** What the bench sections share: figures over runs, a raw Redis baseline, processes seen in /proc. */
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import type { Redis } from 'ioredis'

import { freePort } from '@/server/freePort'

import { cmdline, descendants } from '../tests/helpers/processes'
import { sleep } from '../tests/helpers/wait'

// The tests' helpers, for the sections that import everything from here.
export { cmdline, descendants, sleep }

export type Line = (label: string, value: string) => void
export type Fmt = (n: number, digits?: number) => string

/**
 * A fresh clone has no .env: the bench's own processes (workers, the app, the CLIs it starts)
 * get throwaway secrets, and the portal issuer and audience the production app requires (the
 * bench signs its customer tokens with them). Nothing is written anywhere; a .env that sets them
 * wins.
 */
export function throwawaySecrets(): void {
  process.env.PAYLOAD_SECRET ||= crypto.randomBytes(32).toString('hex')
  process.env.PORTAL_JWT_SECRET ||= crypto.randomBytes(32).toString('hex')
  process.env.PORTAL_JWT_ISSUER ||= 'billie-bench-portal'
  process.env.PORTAL_JWT_AUDIENCE ||= 'billie-bench-portal-api'
}

/** The p-th percentile (nearest rank) of `values`; NaN when empty. */
export const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** "median (min–max)" of one figure over several runs, as every latency figure is printed. */
export function overRuns(values: number[], fmt: Fmt, digits = 0): string {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return 'n/a'
  const median = percentile(finite, 50)
  if (finite.length === 1) return fmt(median, digits)
  return `${fmt(median, digits)} (${fmt(Math.min(...finite), digits)}–${fmt(Math.max(...finite), digits)})`
}

/** p50 / p95 / p99 over runs: "a (min–max) / b (…) / c (…)". */
export const percentilesOverRuns = (runs: number[][], fmt: Fmt, ps = [50, 95, 99], digits = 0) =>
  ps
    .map((p) =>
      overRuns(
        runs.map((values) => percentile(values, p)),
        fmt,
        digits,
      ),
    )
    .join(' / ')

/**
 * The floor on this machine right now: a bare consumer group in this process reading the same
 * stream with XREADGROUP BLOCK, recording XADD → delivery per entry (the entry id's time). Whatever
 * the system under test adds is above this; on a busy machine both rise together.
 */
export function rawReadLatency(redis: Redis, stream: string) {
  const group = `bench-raw-${crypto.randomUUID().slice(0, 8)}`
  const reader = redis.duplicate()
  let latencies: number[] = []
  let stopped = false
  const ready = reader.xgroup('CREATE', stream, group, '$', 'MKSTREAM').then(() => undefined)
  const loop = ready.then(async () => {
    while (!stopped) {
      const reply = (await reader.call(
        'XREADGROUP',
        'GROUP',
        group,
        'raw',
        'COUNT',
        500,
        'BLOCK',
        200,
        'STREAMS',
        stream,
        '>',
      )) as Array<[string, Array<[string, string[]]>]> | null
      const now = Date.now()
      const entries = reply?.[0]?.[1] ?? []
      for (const [id] of entries) latencies.push(now - Number(id.split('-')[0]))
      if (entries.length) await reader.xack(stream, group, ...entries.map(([id]) => id))
    }
  })
  return {
    ready,
    /** The latencies recorded since the last call. */
    take: () => {
      const taken = latencies
      latencies = []
      return taken
    },
    stop: async () => {
      stopped = true
      await loop.catch(() => undefined)
      await redis.xgroup('DESTROY', stream, group).catch(() => undefined)
      reader.disconnect()
    },
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export const cpuSeconds = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

/** Share of one core each process used between two calls: `const done = cpuMeter(pids); …; done()`. */
export function cpuMeter(pids: Record<string, number | undefined>) {
  const started = performance.now()
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : NaN]))
  return (): Record<string, number> => {
    const seconds = (performance.now() - started) / 1000
    return Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, pid ? (cpuSeconds(pid) - before[name]!) / seconds : NaN]),
    )
  }
}

/** Peak resident memory (VmHWM) of a process in MB; 0 once it is gone. */
export const peakRssMb = (pid: number): number => {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
  } catch {
    return 0
  }
}

/** Machine load when a section starts, printed beside its figures (the machine may be shared). */
export const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

/** The newest modification time of the files under `dir`. */
function newestChange(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/**
 * Runs `pnpm build` when there is no production build, or when src/ changed after it: a stale
 * build measures old code, and applies old migrations to the bench's databases.
 */
async function ensureProductionBuild(): Promise<void> {
  const built = fs.existsSync('.next/BUILD_ID') ? fs.statSync('.next/BUILD_ID').mtimeMs : 0
  if (built > newestChange('src')) return
  console.log(
    `${built ? 'The production build is older than src/' : 'No production build'}: running \`pnpm build\` first…`,
  )
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pnpm', ['build'], { stdio: ['ignore', 'ignore', 'inherit'] })
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pnpm build exited ${code}`))))
  })
}

/**
 * The production build served by src/scripts/serve.ts (`--prod`, with `args` such as the port),
 * built first if it is missing or older than src/; resolved once it says it is ready; its own
 * process group, so the caller can stop it whole.
 */
export async function serveApp(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  await ensureProductionBuild()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/serve.ts', '--prod', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
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
  return child
}

/** The floor: a bare node:http server in a process of its own answering a small JSON body. */
export async function startRawServer() {
  const port = await freePort()
  const script = `require('node:http').createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"applications":[],"position":"0-0"}')
  }).listen(${port}, '127.0.0.1', () => process.stdout.write('listening\\n'))`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()))
  return { port, pid: child.pid!, stop: () => void child.kill('SIGKILL') }
}

/**
 * Stops a process and what it started: SIGTERM (to its whole process group with `group`, as for an
 * app `serveApp` started detached), then, after it exits or 10 s, SIGKILL to whatever is left.
 */
export async function stopProcessTree(child: ChildProcess, { group = false } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stragglers = descendants(child.pid!)
  try {
    if (group) process.kill(-child.pid!, 'SIGTERM')
    else child.kill('SIGTERM')
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

/**
 * The production build on free ports with a private redis-server (`serve.ts --prod`), no workers
 * inside unless `env` says so; `env` adds to or overrides the defaults.
 */
export async function startProductionApp(databaseUri: string, env: Record<string, string> = {}) {
  const port = await freePort()
  const redisPort = await freePort()
  const child = await serveApp(['--port', String(port), '--redis-port', String(redisPort)], {
    ...process.env,
    DATABASE_URI: databaseUri,
    REDIS_URL: '',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ENABLE_EVENT_PROCESSING: 'false',
    ...env,
  })
  return { port, redisPort, child, stop: () => stopProcessTree(child, { group: true }) }
}
