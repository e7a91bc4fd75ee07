/**
 * What the verify, rebuild and replay suites share: a stream of their own holding 2,000
 * generated events that the live worker has projected into both projections, and the ways they
 * run jobs (in the test's process, or as `pnpm projections …` in a child process).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'

import { afterAll, beforeAll } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { runJob } from '@/rebuild'
import { STORES } from '@/store'

import { startWorker } from './inProcessWorker'
import { openPayloadAndRedis } from './payloadAndRedis'
import { appendAll, type Appended } from './stream'

export type CliRun = { code: number | null; signal: NodeJS.Signals | null; output: string }

export function rebuildFixture(name: string) {
  const opened = openPayloadAndRedis()
  const databaseUri = process.env.DATABASE_URI ?? 'file:'
  const onSqlite = databaseUri.startsWith('file:')
  if (!onSqlite) console.warn(`[${name}] SKIPPED in part: the tampering and snapshots use SQLite directly.`)
  const stream = `test:rebuild:${crypto.randomUUID()}`
  /** Every entry appended to the stream, in order (tests append more). */
  const appended: Appended[] = []

  /** Runs the live worker of a projection until it has projected everything. */
  const drain = async (projection: 'dashboard' | 'portal' = 'dashboard') =>
    startWorker(opened.payload, stream, { connectionName: `live-${projection}`, store: STORES[projection] }).done

  const job = (job: 'verify' | 'rebuild', projection: 'dashboard' | 'portal' = 'dashboard') =>
    runJob(opened.payload, opened.redis, job, projection, { by: 'test' })

  /**
   * `pnpm projections …` as a real child process; resolves with its exit code (null: killed) and
   * output. `killWhen` is polled every 10 ms and kills it (SIGKILL) once true; `started` gets the
   * child as soon as it runs.
   */
  function cli(
    args: string[],
    {
      killWhen,
      env,
      started,
    }: {
      killWhen?: () => Promise<boolean>
      env?: Record<string, string>
      started?: (child: ChildProcess) => void
    } = {},
  ) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/projections.ts', ...args], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    started?.(child)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const watch = killWhen
      ? setInterval(() => {
          void killWhen().then((now) => now && child.exitCode === null && child.kill('SIGKILL'))
        }, 10)
      : undefined
    return new Promise<CliRun>((resolve) =>
      child.once('exit', (code, signal) => {
        clearInterval(watch)
        resolve({ code, signal, output })
      }),
    )
  }

  beforeAll(async () => {
    process.env.CHAT_LEDGER_STREAM = stream
    appended.push(...(await appendAll(opened.redis, stream, generateCorpus({ events: 2_000, seed: 91, retries: 20 }))))
    await Promise.all([drain('dashboard'), drain('portal')])
  })

  afterAll(() => {
    delete process.env.CHAT_LEDGER_STREAM
  })

  return { opened, databaseUri, onSqlite, stream, appended, drain, job, cli }
}
