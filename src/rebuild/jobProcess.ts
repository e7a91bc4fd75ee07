/**
 * Verify and rebuild run in a process of their own, whoever starts them (an admin's button, the
 * worker resuming a job whose process died, the worker's version check; the CLI is that process):
 * `src/scripts/projections.ts` with the heap a job needs (REBUILD_HEAP_MB), detached, so that it
 * outlives the request or the worker that started it and never shares their heap. Its output goes
 * to a log file of its own (JOB_LOG_DIR, the system's temporary folder); its progress, to Redis.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Redis } from 'ioredis'

import { positiveIntSetting, stringSetting } from '@/lib/env'
import { chatLedgerStream } from '@/lib/stream'
import { type ProjectionName, PROJECTIONS } from '@/projections'

import { jobKeys } from './control'

/** The CLI's exit code when it refuses to start: another job runs, or the code is older than the records. */
export const REFUSED_EXIT = 3

/** A job process that would not start (another job holds the projection, or the code is older): 409. */
export class JobRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JobRefused'
  }
}

export type StartedJob = { id: string; pid: number; log: string }

const CLI = path.resolve('src/scripts/projections.ts')

/**
 * Starts `job` of `name` in a process of its own and resolves once it holds the projection's lock
 * (with the job's id), or rejects with what it said when it ended first (JobRefused when it
 * refused to start).
 */
export async function startJobProcess(
  redis: Redis,
  job: 'verify' | 'rebuild',
  name: ProjectionName,
  { by, userId, timeoutMs = 120_000 }: { by: string; userId?: string | number; timeoutMs?: number },
): Promise<StartedJob> {
  if (!fs.existsSync(CLI)) throw new Error(`jobs run ${CLI}, which this deployment does not have`)
  const dir = stringSetting('JOB_LOG_DIR', os.tmpdir())
  fs.mkdirSync(dir, { recursive: true })
  const log = path.join(dir, `billie-${job}-${name}-${new Date().toISOString().replace(/[:.]/g, '')}.log`)
  const output = fs.openSync(log, 'a')
  const args = [job, name, '--yes', '--by', by, ...(userId === undefined ? [] : ['--user', String(userId)])]
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${positiveIntSetting('REBUILD_HEAP_MB', 650)}`, '--import', 'tsx', CLI, ...args],
    { detached: true, stdio: ['ignore', output, output], env: { ...process.env, NODE_OPTIONS: '' } },
  )
  fs.closeSync(output)
  child.unref()
  const pid = child.pid!
  let exited: number | null | undefined
  child.once('exit', (code) => (exited = code))
  // The job's progress names its process once it holds the lock (JobRun.start writes it then),
  // and still does after a small job has finished.
  const { progress } = jobKeys(chatLedgerStream(), PROJECTIONS[name].group)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ended = exited // (read before the progress: a process that had ended has written its last)
    const [id, owner] = await redis.hmget(progress, 'id', 'pid')
    if (id && owner === String(pid)) return { id, pid, log }
    if (ended !== undefined) {
      const said = fs.readFileSync(log, 'utf8').trim().split('\n').slice(-3).join('\n')
      if (ended === REFUSED_EXIT) throw new JobRefused(said)
      throw new Error(`the ${job} process ended (exit ${ended}) before it started: ${said} (log: ${log})`)
    }
    if (Date.now() > deadline)
      throw new Error(`the ${job} process did not start within ${timeoutMs / 1000} s (log: ${log})`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
