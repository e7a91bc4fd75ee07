import { spawn } from 'node:child_process'
import crypto from 'node:crypto'

import { afterAll, describe, expect, it } from 'vitest'

import { exitWithin, killAll, spawnWorker, untilLogged, type WorkerProcess } from '../helpers/workerProcess'

/*
 * The worker's container healthcheck (docker-compose.yml): `src/scripts/worker-health.ts` passes
 * while a worker of this host heartbeats for every projection it runs, and fails otherwise.
 */

const spawned: WorkerProcess[] = []
afterAll(() => killAll(spawned))

/** The healthcheck as the container runs it; resolves with its exit code and output. */
function healthcheck(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/worker-health.ts'], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })))
}

describe('the worker healthcheck', () => {
  it('passes while this host’s worker heartbeats for each projection, and fails before and after', async () => {
    // Given a stream and a worker id nobody else uses
    const env = {
      DATABASE_URI: process.env.DATABASE_URI!,
      PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
      REDIS_URL: process.env.REDIS_URL!,
      CHAT_LEDGER_STREAM: `test:health:${crypto.randomUUID()}`,
      WORKER_ID: `health-${crypto.randomUUID().slice(0, 8)}`,
      WORKER_PROJECTIONS: 'dashboard,portal',
    }

    // When no worker runs, Then the check fails, naming what is silent
    const before = await healthcheck(env)
    expect(before.code, before.output).toBe(1)
    expect(before.output).toContain('no heartbeat')
    expect(before.output).toContain('dashboard, portal')

    // When the worker runs, Then it passes
    const worker = spawnWorker(`health-${env.WORKER_ID}`, env)
    spawned.push(worker)
    await untilLogged(worker, 'worker started', 90_000)
    const running = await healthcheck(env)
    expect(running.code, running.output).toBe(0)
    expect(running.output).toContain(`${env.WORKER_ID}@`)

    // When it has stopped, Then it fails again
    worker.child.kill('SIGTERM')
    expect(await exitWithin(worker, 15_000)).toEqual({ code: 0, signal: null })
    const after = await healthcheck(env)
    expect(after.code, after.output).toBe(1)
  })

  it('fails, saying so, when Redis does not answer', async () => {
    const result = await healthcheck({ REDIS_URL: 'redis://127.0.0.1:1' })
    expect(result.code, result.output).toBe(1)
    expect(result.output).toContain('Redis at redis://127.0.0.1:1 did not answer')
  })
})
