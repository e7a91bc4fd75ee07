import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { until } from './wait'

/**
 * `pnpm worker` as a real child process (the command package.json runs:
 * `node --max-old-space-size=192 --import tsx src/scripts/worker.ts`), for tests that kill
 * workers. Its output goes to a log file under .tmp/int/logs (its tail is printed when a test
 * fails), so a run stays quiet; `exited` resolves with the exit code or the signal that ended it.
 */
export type WorkerProcess = {
  name: string
  child: ChildProcess
  logFile: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** True until the process has exited. */
  readonly alive: boolean
}

const LOG_DIR = path.resolve('.tmp/int/logs')

// A test run that ends abruptly (a crash, Ctrl-C) must not leave workers behind either.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** `env` is added to this process's; a variable given as undefined is left unset. */
export function spawnWorker(name: string, env: Record<string, string | undefined>): WorkerProcess {
  fs.mkdirSync(LOG_DIR, { recursive: true })
  const logFile = path.join(LOG_DIR, `${name}.log`)
  const log = fs.openSync(logFile, 'a')
  const child = spawn(process.execPath, ['--max-old-space-size=192', '--import', 'tsx', 'src/scripts/worker.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', log, log],
  })
  fs.closeSync(log)
  running.add(child)
  let alive = true
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      alive = false
      resolve({ code, signal })
    })
    child.once('error', () => {
      running.delete(child)
      alive = false
      resolve({ code: null, signal: null })
    })
  })
  return {
    name,
    child,
    logFile,
    exited,
    get alive() {
      return alive
    },
  }
}

/** SIGKILLs every process still running and waits for each to be gone (for afterAll). */
export async function killAll(workers: Iterable<WorkerProcess>): Promise<void> {
  const running = [...workers].filter((worker) => worker.alive)
  for (const worker of running) worker.child.kill('SIGKILL')
  await Promise.all(running.map((worker) => worker.exited))
}

/** The last lines of a worker's log, for a failure message. */
export function tailOf(worker: WorkerProcess, lines = 40): string {
  try {
    return fs.readFileSync(worker.logFile, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Resolves once the worker's log contains `text`. */
export async function untilLogged(worker: WorkerProcess, text: string | RegExp, timeoutMs = 60_000): Promise<void> {
  await until(
    () => {
      const log = fs.existsSync(worker.logFile) ? fs.readFileSync(worker.logFile, 'utf8') : ''
      if (typeof text === 'string' ? log.includes(text) : text.test(log)) return true
      if (!worker.alive) throw new Error(`${worker.name} exited before logging ${text}\n${tailOf(worker)}`)
      return false
    },
    `${worker.name} to log ${text}`,
    { timeoutMs, everyMs: 100, detail: () => tailOf(worker) },
  )
}

/** The exit of a worker, or an error once `timeoutMs` has passed without one. */
export function exitWithin(
  worker: WorkerProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return Promise.race([
    worker.exited,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${worker.name} still running ${timeoutMs} ms after SIGTERM\n${tailOf(worker)}`)),
        timeoutMs,
      ).unref(),
    ),
  ])
}
