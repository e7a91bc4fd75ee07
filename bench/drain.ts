/**
 * Draining a generated stream with real `pnpm worker` processes, the way the drain, portal and ops
 * sections measure throughput: the corpus appended to a stream of its own, the raw ceiling on that
 * stream (XREADGROUP COUNT 500 + XACK, no projection) measured first, then the workers started on
 * a fresh database and timed from the moment every projection's group has a registered worker
 * until every group has nothing left to deliver or acknowledge.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import type { Redis } from 'ioredis'

import { PROJECTIONS } from '@/projections'
import { metricsKeys } from '@/worker/metrics'

import { cpuSeconds, peakRssMb, sleep } from './lib'

const dir = path.resolve('.tmp/bench')

/** What `pnpm worker` runs (package.json, `node …`), started directly so its pid is the worker's. */
const WORKER_COMMAND = (JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.worker as string)
  .split(/\s+/)
  .slice(1)

export async function appendCorpus(redis: Redis, stream: string, corpus: Array<Record<string, string>>) {
  for (let i = 0; i < corpus.length; i += 1_000) {
    const pipeline = redis.pipeline()
    for (const fields of corpus.slice(i, i + 1_000)) pipeline.xadd(stream, '*', ...Object.entries(fields).flat())
    await pipeline.exec()
  }
}

/** Raw Redis: XREADGROUP COUNT 500 + XACK with no projection, the ceiling for any worker. */
async function rawDrain(redis: Redis, stream: string): Promise<number> {
  await redis.xgroup('CREATE', stream, 'raw', '0', 'MKSTREAM')
  const started = performance.now()
  let total = 0
  for (;;) {
    const reply = (await redis.xreadgroup('GROUP', 'raw', 'raw-1', 'COUNT', 500, 'STREAMS', stream, '>')) as Array<
      [string, Array<[string, string[]]>]
    > | null
    const entries = reply?.[0]?.[1] ?? []
    if (entries.length === 0) break
    await redis.xack(stream, 'raw', ...entries.map(([id]) => id))
    total += entries.length
  }
  return total / ((performance.now() - started) / 1000)
}

export type Spawned = { child: ChildProcess; peakMb: () => number }

export function spawnWorker(env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, WORKER_COMMAND, {
    // (FIRST_BUILD_MIN_EVENTS=0: a drain measures the live path, not a first build in bulk)
    env: { ...process.env, LOG_LEVEL: 'warn', FIRST_BUILD_MIN_EVENTS: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  let peak = 0
  const timer = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 200)
  child.once('exit', () => clearInterval(timer))
  return { child, peakMb: () => Math.max(peak, peakRssMb(child.pid!)) }
}

export const stopAll = (workers: Spawned[]) =>
  Promise.all(
    workers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
        }),
    ),
  )

/** A new SQLite file with the schema created once, before any worker starts (workers never race to create it). */
export async function freshDatabase(name: string): Promise<string> {
  const file = path.join(dir, `${name}-${crypto.randomUUID()}.db`)
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/initDatabase.ts'], {
      env: { ...process.env, DATABASE_URI: `file:${file}`, LOG_LEVEL: 'warn' },
      stdio: 'inherit',
    })
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initDatabase exited ${code}`))))
  })
  return `file:${file}`
}

export function removeDatabase(databaseUri: string) {
  for (const suffix of ['', '-wal', '-shm', '.schema'])
    fs.rmSync(`${databaseUri.slice('file:'.length)}${suffix}`, { force: true })
}

type GroupInfo = { lag: number; pending: number }

export async function groupInfo(redis: Redis, stream: string, group: string): Promise<GroupInfo | undefined> {
  const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as unknown[][]
  for (const row of groups) {
    const info = new Map<string, unknown>()
    for (let i = 0; i + 1 < row.length; i += 2) info.set(String(row[i]), row[i + 1])
    if (info.get('name') === group) return { lag: Number(info.get('lag')), pending: Number(info.get('pending')) }
  }
  return undefined
}

export async function untilDrained(redis: Redis, stream: string, groups: string[]) {
  const done = async (group: string) => {
    const info = await groupInfo(redis, stream, group)
    return info !== undefined && info.lag === 0 && info.pending === 0
  }
  while (!(await Promise.all(groups.map(done))).every(Boolean)) await sleep(50)
}

/** Resolves once every group has a registered consumer (its first heartbeat): the workers are up. */
export async function untilRegistered(redis: Redis, stream: string, groups: string[]) {
  const registries = groups.map((group) => metricsKeys({ stream, group }).workers)
  while ((await Promise.all(registries.map((key) => redis.zcard(key)))).some((n) => n === 0)) await sleep(20)
}

export type Drained = {
  /** Events per second, and the raw ceiling on the same stream in the same run. */
  rate: number
  raw: number
  seconds: number
  bootSeconds: number
  peakMb: number
  /** CPU of the workers together, in cores. */
  cpu: number
}

/** `workers` `pnpm worker`s running `projections` drain `corpus`; the stream and database are removed after. */
export async function drain(
  redisUrl: string,
  redis: Redis,
  corpus: Array<Record<string, string>>,
  {
    name,
    workers = 1,
    projections = ['dashboard'],
    env = {},
  }: { name: string; workers?: number; projections?: string[]; env?: Record<string, string> },
): Promise<Drained> {
  const stream = `bench:${name}:${crypto.randomUUID()}`
  await appendCorpus(redis, stream, corpus)
  const raw = await rawDrain(redis, stream)
  const databaseUri = await freshDatabase(name)
  const groups = projections.map((projection) => PROJECTIONS[projection as keyof typeof PROJECTIONS].group)
  const spawnedAt = performance.now()
  const spawned = Array.from({ length: workers }, (_, i) =>
    spawnWorker({
      DATABASE_URI: databaseUri,
      REDIS_URL: redisUrl,
      CHAT_LEDGER_STREAM: stream,
      WORKER_ID: `bench${i}`,
      WORKER_PROJECTIONS: projections.join(','),
      ...env,
    }),
  )
  // The clock starts when the workers have booted (registered themselves), not at spawn.
  await untilRegistered(redis, stream, groups)
  const started = performance.now()
  const cpuBefore = spawned.map(({ child }) => cpuSeconds(child.pid!))
  await untilDrained(redis, stream, groups)
  const seconds = (performance.now() - started) / 1000
  const cpu = spawned.reduce((sum, { child }, i) => sum + (cpuSeconds(child.pid!) - cpuBefore[i]!), 0) / seconds
  const peaks = spawned.map((worker) => worker.peakMb())
  await stopAll(spawned)
  removeDatabase(databaseUri)
  await redis.del(stream)
  return {
    rate: corpus.length / seconds,
    raw,
    seconds,
    bootSeconds: (started - spawnedAt) / 1000,
    peakMb: Math.max(...peaks),
    cpu,
  }
}
