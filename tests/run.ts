/**
 * `pnpm test`: every suite, each started as soon as what it needs is done, so that both cores stay
 * busy. The production build, ESLint, Prettier and vitest (unit, then integration; with coverage)
 * start at once; the end-to-end suite once the build is done, and tsc too (after the build whatever
 * its result, so that it checks the route types the build writes into .next/ rather than race it
 * for them); the coverage report once vitest and the end-to-end suite are done. The build comes
 * first because the end-to-end suite, which waits on it, is the longest chain; vitest and the
 * end-to-end suite spend much of their time waiting (for workers, servers and the browser), and
 * each fills the other's waits.
 *
 * Each suite is a package.json script or the tool it runs, so any one of them runs alone as well.
 * Their output comes through line by line behind the suite's name. A suite whose prerequisite
 * failed does not start; the command exits non-zero after a table of each suite's time and result.
 */
import { spawn } from 'node:child_process'
import readline from 'node:readline'

/**
 * A pnpm command (a package.json script, `run …`, or a tool of the project, `exec …`), started once
 * the suites it `needs` have passed and those it comes `after` have ended.
 */
type Suite = { pnpm: string[]; needs?: string[]; after?: string[]; env?: Record<string, string> }

const E2E_ENV = { E2E_COVERAGE: '1', BUILD_FOR_TESTS: '1' }
const SUITES: Record<string, Suite> = {
  build: { pnpm: ['run', 'build'], env: E2E_ENV },
  eslint: { pnpm: ['run', 'lint:eslint'] },
  prettier: { pnpm: ['run', 'lint:format'] },
  vitest: { pnpm: ['run', 'test:vitest'] },
  typecheck: { pnpm: ['run', 'typecheck'], after: ['build'] },
  e2e: { pnpm: ['exec', 'playwright', 'test'], needs: ['build'], env: E2E_ENV },
  coverage: { pnpm: ['run', 'coverage:report'], needs: ['vitest', 'e2e'] },
}

const width = Math.max(...Object.keys(SUITES).map((name) => name.length)) + 3
const started = performance.now()
const results = new Map<string, { seconds?: number; result: 'passed' | 'FAILED' | 'not run' }>()

function run(name: string, { pnpm, env }: Suite): Promise<boolean> {
  const start = performance.now()
  const tag = `[${name}]`.padEnd(width)
  const child = spawn('pnpm', ['--silent', ...pnpm], {
    env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  for (const stream of [child.stdout, child.stderr])
    readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${tag}${line}\n`))
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const seconds = (performance.now() - start) / 1000
      results.set(name, { seconds, result: code === 0 ? 'passed' : 'FAILED' })
      process.stdout.write(`${tag}${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s\n`)
      resolve(code === 0)
    })
  })
}

const outcomes = new Map<string, Promise<boolean>>()
const outcome = (name: string): Promise<boolean> => {
  let promise = outcomes.get(name)
  if (!promise) {
    const suite = SUITES[name]!
    const needed = Promise.all((suite.needs ?? []).map(outcome))
    const after = Promise.all((suite.after ?? []).map(outcome))
    promise = Promise.all([needed, after]).then(([ready]) => {
      if (ready.every(Boolean)) return run(name, suite)
      results.set(name, { result: 'not run' })
      return false
    })
    outcomes.set(name, promise)
  }
  return promise
}

const ok = (await Promise.all(Object.keys(SUITES).map(outcome))).every(Boolean)
console.log(`\n${'suite'.padEnd(width)}seconds  result`)
for (const name of Object.keys(SUITES)) {
  const { seconds, result } = results.get(name)!
  console.log(`${name.padEnd(width)}${(seconds?.toFixed(1) ?? '').padStart(7)}  ${result}`)
}
const total = ((performance.now() - started) / 1000).toFixed(1)
console.log(`${'total'.padEnd(width)}${total.padStart(7)}  (suites overlap: this is the wall clock)`)
process.exit(ok ? 0 : 1)
