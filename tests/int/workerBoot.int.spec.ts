import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'

import { afterAll, describe, expect, it } from 'vitest'

import { PROJECTIONS } from '@/projections'
import { readProgress } from '@/rebuild'
import { jobKeys } from '@/rebuild/control'
import { schemaMarkerOf } from '@/store/internals/schemaMode'

import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { cmdline, descendants } from '../helpers/processes'
import { openSqlite } from '../helpers/sqlite'
import { until } from '../helpers/wait'
import { exitWithin, killAll, spawnWorker, untilLogged, type WorkerProcess } from '../helpers/workerProcess'

/*
 * `pnpm worker` boots without side effects on the checkout: it does not spawn Payload's type
 * generator (which rewrote src/payload-types.ts from every process), it says how long it took to
 * boot, and on a database whose schema is current it skips the development schema push. What it
 * cannot run with stops it at boot, saying why.
 */

const opened = openPayloadAndRedis()
const spawned: WorkerProcess[] = []
afterAll(() => killAll(spawned))

/** The command lines of every process below `root`. */
const descendantCommands = (root: number): string[] => descendants(root).map(cmdline)

/** Boots a worker, records its child processes until it has registered, then stops it. */
async function bootOnce(name: string) {
  const stream = `test:boot:${crypto.randomUUID()}`
  const worker = spawnWorker(name, {
    DATABASE_URI: process.env.DATABASE_URI!,
    PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
    REDIS_URL: process.env.REDIS_URL!,
    CHAT_LEDGER_STREAM: stream,
    WORKER_PROJECTIONS: 'dashboard',
    // Not production: the mode in which Payload generates types and pushes the schema.
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
  })
  spawned.push(worker)
  const children = new Set<string>()
  const watch = setInterval(() => descendantCommands(worker.child.pid!).forEach((c) => children.add(c)), 50)
  try {
    await untilLogged(worker, 'worker started', 90_000)
    // Payload's generator is spawned during getPayload and takes seconds to load: still running now.
    for (const command of descendantCommands(worker.child.pid!)) children.add(command)
  } finally {
    clearInterval(watch)
  }
  worker.child.kill('SIGTERM')
  expect(await exitWithin(worker, 15_000)).toEqual({ code: 0, signal: null })
  return { log: fs.readFileSync(worker.logFile, 'utf8'), children: [...children] }
}

const devPushStamp = async () => {
  const sqlite = openSqlite(process.env.DATABASE_URI!)
  try {
    const { rows } = await sqlite.execute(`SELECT updated_at FROM payload_migrations WHERE batch = -1`)
    return rows.map((row) => String(row.updated_at))
  } finally {
    sqlite.close()
  }
}

describe('pnpm worker boot', () => {
  it('spawns no type generator, leaves src/payload-types.ts alone and logs its boot time first', async () => {
    expect(opened.payload).toBeDefined()
    const types = path.resolve('src/payload-types.ts')
    const before = fs.statSync(types).mtimeMs

    const { log, children } = await bootOnce(`boot-${crypto.randomUUID().slice(0, 8)}`)

    expect(children.filter((command) => command.includes('generate:types'))).toEqual([])
    expect(fs.statSync(types).mtimeMs).toBe(before)
    const ownLines = log.split('\n').filter((line) => /worker (booted|started)/.test(line))
    expect(ownLines[0]).toMatch(/worker booted in \d+\.\d s \(modules \d+\.\d s, Payload and database \d+\.\d s\)/)
  })

  it('skips the schema push when the schema is unchanged, and pushes again when it is not', async () => {
    // The test's own Payload pushed the schema and recorded it (beforeAll).
    const file = path.resolve(process.env.DATABASE_URI!.slice('file:'.length))
    expect(fs.existsSync(schemaMarkerOf(file))).toBe(true)
    const pushed = await devPushStamp()
    expect(pushed).toHaveLength(1)

    await bootOnce(`boot-same-${crypto.randomUUID().slice(0, 8)}`)
    expect(await devPushStamp(), 'no push on an unchanged schema').toEqual(pushed)

    // A schema that differs from the one last pushed (as after editing a collection) is pushed.
    fs.writeFileSync(schemaMarkerOf(file), 'a schema from before\n')
    await new Promise((resolve) => setTimeout(resolve, 1_100)) // CURRENT_TIMESTAMP has 1 s resolution
    await bootOnce(`boot-changed-${crypto.randomUUID().slice(0, 8)}`)
    expect(await devPushStamp(), 'pushed again').not.toEqual(pushed)
    expect(fs.readFileSync(schemaMarkerOf(file), 'utf8')).not.toBe('a schema from before\n')
  })

  it('stops at boot on settings it cannot read, naming each', async () => {
    // Given settings the worker itself never reads (the board's and the alerts'), with bad values
    const worker = spawnWorker(`boot-bad-settings-${crypto.randomUUID().slice(0, 8)}`, {
      DATABASE_URI: process.env.DATABASE_URI!,
      PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
      REDIS_URL: process.env.REDIS_URL!,
      CHAT_LEDGER_STREAM: `test:boot:${crypto.randomUUID()}`,
      ATTENTION_IDLE_SECONDS: 'abc',
      ALERT_WEBHOOK_URL: 'hooks.example.com/alerts',
    })
    spawned.push(worker)

    // When it starts, Then it exits at once, naming both
    const exit = await exitWithin(worker, 60_000)
    const log = fs.readFileSync(worker.logFile, 'utf8')
    expect(exit.code, log).toBe(1)
    expect(log).toContain('ATTENTION_IDLE_SECONDS=abc is not a non-negative integer')
    expect(log).toContain('ALERT_WEBHOOK_URL=hooks.example.com/alerts is not an http:// or https:// URL')
    expect(log).not.toContain('worker started')
  })

  it('with REBUILD_ON_VERSION_CHANGE=true, rebuilds what older code built, in a process of its own', async () => {
    // Given the dashboard's records built by an older version than this code's
    const stream = `test:boot:${crypto.randomUUID()}`
    const { group, version } = PROJECTIONS.dashboard
    const versionKey = jobKeys(stream, group).version
    await opened.redis.set(versionKey, version - 1)

    // When a worker told to rebuild on a version change starts
    const worker = spawnWorker(`boot-rebuild-${crypto.randomUUID().slice(0, 8)}`, {
      DATABASE_URI: process.env.DATABASE_URI!,
      PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
      REDIS_URL: process.env.REDIS_URL!,
      CHAT_LEDGER_STREAM: stream,
      WORKER_PROJECTIONS: 'dashboard',
      REBUILD_ON_VERSION_CHANGE: 'true',
      LOG_LEVEL: 'info',
    })
    spawned.push(worker)

    // Then it starts the rebuild in a process of its own, which records this code's version
    await untilLogged(worker, 'rebuilding dashboard: records built by version', 90_000)
    const log = stripVTControlCharacters(fs.readFileSync(worker.logFile, 'utf8'))
    // (the log entry's fields: on its line as JSON, or on the lines below it, pretty-printed)
    const entry = log.slice(log.lastIndexOf('\n', log.indexOf('rebuilding dashboard: records built by version')))
    const pid = Number(/"?jobPid"?:\s*(\d+)/.exec(entry)?.[1])
    expect(pid).toBeGreaterThan(0)
    expect(pid).not.toBe(worker.child.pid)
    await until(async () => (await opened.redis.get(versionKey)) === String(version), 'the version recorded', {
      timeoutMs: 60_000,
    })
    expect(await readProgress(opened.redis, stream, group)).toMatchObject({ job: 'rebuild', state: 'done' })
    worker.child.kill('SIGTERM')
    expect(await exitWithin(worker, 15_000)).toEqual({ code: 0, signal: null })
  })
})
