/**
 * The coverage of `src/` over every suite, printed at the end of `pnpm test`:
 *   tsx tests/coverage/report.ts
 *
 * Starts from vitest's coverage (unit and integration, with the child processes they start:
 * coverage/coverage-final.json) and adds, line by line, what the end-to-end suite ran: the
 * browser's coverage of each page (tests/e2e/fixtures.ts) and the Next server's own raw V8
 * coverage (NODE_V8_COVERAGE), both mapped to `src/` through the build's source maps. As for
 * the child processes, only the hit counts of statements vitest knows are raised, so the
 * denominators stay vitest's. Writes coverage/all (html, lcov, json-summary) and prints the
 * summary and the lines covered per folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import libCoverage from 'istanbul-lib-coverage'
import libReport from 'istanbul-lib-report'
import reports from 'istanbul-reports'

import { E2E_BROWSER_DIR, E2E_SERVER_DIR } from './dirs'
import { addLineHits, addScriptHits, type FunctionCoverage, type LineHits, mergeJsonHits } from './lineHits'

const root = process.cwd()
const VITEST_JSON = 'coverage/coverage-final.json'

const jsonFiles = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => path.join(dir, name))
    : []

function e2eHits(): { hits: LineHits; browserTests: number; serverProcesses: number } {
  const hits: LineHits = new Map()
  const browser = jsonFiles(E2E_BROWSER_DIR)
  for (const file of browser) mergeJsonHits(hits, JSON.parse(fs.readFileSync(file, 'utf8')), root)
  const built = path.join(root, '.next') + path.sep
  // Every process under the web server wrote a file (pnpm, tsx, next): those that ran the build count.
  let serverProcesses = 0
  for (const file of jsonFiles(E2E_SERVER_DIR)) {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      result: Array<{ url: string; functions: FunctionCoverage[] }>
    }
    const scripts = raw.result.filter(({ url }) => url.startsWith('file://') && fileURLToPath(url).startsWith(built))
    if (scripts.length) serverProcesses++
    for (const script of scripts) addScriptHits(hits, fileURLToPath(script.url), script.functions, root)
  }
  return { hits, browserTests: browser.length, serverProcesses }
}

function main() {
  if (!fs.existsSync(VITEST_JSON)) {
    console.error(`No ${VITEST_JSON}: run \`vitest run --coverage\` first (pnpm test does).`)
    process.exit(1)
  }
  const map = libCoverage.createCoverageMap(JSON.parse(fs.readFileSync(VITEST_JSON, 'utf8')))
  const before = map.getCoverageSummary().lines.pct
  const { hits, browserTests, serverProcesses } = e2eHits()
  addLineHits(map, hits)
  const dir = path.join('coverage', 'all')
  const context = libReport.createContext({ dir, coverageMap: map, defaultSummarizer: 'nested' })
  for (const name of ['html', 'lcovonly', 'json-summary'] as const) reports.create(name).execute(context)

  const summary = map.getCoverageSummary()
  console.log('\nCoverage of src/ over every suite (generated files and migrations aside)')
  console.log(
    `  unit + integration (with their child processes): ${before.toFixed(1)} % of lines; ` +
      `with end to end (${browserTests} browser tests, Next server processes: ${serverProcesses}): ` +
      `${summary.lines.pct.toFixed(1)} %`,
  )
  for (const key of ['lines', 'statements', 'functions', 'branches'] as const) {
    const { covered, total, pct } = summary[key]
    console.log(`  ${key.padEnd(11)} ${pct.toFixed(1).padStart(5)} %  (${covered}/${total})`)
  }
  console.log('  functions and branches count unit and integration only; end to end raises lines and statements')
  const folders = new Map<string, { covered: number; total: number }>()
  for (const file of map.files()) {
    const folder = path.relative(path.join(root, 'src'), file).split(path.sep).slice(0, 1).join('/')
    const lines = map.fileCoverageFor(file).toSummary().lines
    const sum = folders.get(folder) ?? { covered: 0, total: 0 }
    folders.set(folder, { covered: sum.covered + lines.covered, total: sum.total + lines.total })
  }
  console.log('  lines per folder of src/:')
  for (const [folder, { covered, total }] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    const pct = total ? (covered / total) * 100 : 100
    console.log(`    ${folder.padEnd(24)} ${pct.toFixed(1).padStart(5)} %  (${covered}/${total})`)
  }
  console.log(`  report: ${path.join(dir, 'index.html')}`)
}

main()
