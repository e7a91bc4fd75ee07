/**
 * Vitest's own V8 coverage (`@vitest/coverage-v8`), plus the lines run by the Node child processes
 * the integration suite starts (worker, API server, `pnpm projections` CLI).
 *
 * While coverage is on, this provider hands the test workers a directory in
 * `VITEST_CHILD_COVERAGE_DIR`; tests/int/setup.ts turns it into `NODE_V8_COVERAGE` for the
 * children, which then write raw V8 coverage when they exit (a child killed with SIGKILL writes
 * nothing). Those children load `src/` through tsx, not vite, so their byte ranges cannot be fed to
 * vitest's converter: they are remapped with v8-to-istanbul through the source maps Node records,
 * and only raise the hit counts of statements vitest already knows, line by line. The statement
 * and line denominators therefore stay vitest's own; branches and functions are vitest's alone.
 */
import { mergeProcessCovs, type ProcessCov } from '@bcoe/v8-coverage'
import v8 from '@vitest/coverage-v8'
import fs from 'node:fs'
import type { Profiler } from 'node:inspector'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8ToIstanbul from 'v8-to-istanbul'
import type { CoverageProvider, CoverageProviderModule, ResolvedCoverageOptions, Vitest } from 'vitest/node'

import { addLineHits, type LineHits, type StatementCoverage } from './lineHits'

export const CHILD_COVERAGE_ENV = 'VITEST_CHILD_COVERAGE_DIR'

type SourceMapCache = Record<string, { lineLengths: number[]; data: { sourcesContent?: string[] } | null }>
type RawCoverage = ProcessCov & { 'source-map-cache'?: SourceMapCache }
type FileCoverage = { s: Record<string, number>; statementMap: Record<string, { start: { line: number } }> }

/** Hit count per line (1-based) of each `src/` file the children ran, from their raw V8 files. */
async function childLineHits(dir: string, root: string, included: (file: string) => boolean) {
  const prefix = pathToFileURL(path.join(root, 'src')).href + '/'
  const scripts = new Map<string, Profiler.ScriptCoverage[]>()
  const maps: SourceMapCache = {}
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as RawCoverage
    for (const script of raw.result) {
      if (!script.url.startsWith(prefix) || !included(fileURLToPath(script.url))) continue
      const map = raw['source-map-cache']?.[script.url]
      if (!map?.data?.sourcesContent?.[0]) continue
      maps[script.url] ??= map
      scripts.set(script.url, [...(scripts.get(script.url) ?? []), script])
    }
  }
  const hits: LineHits = new Map()
  for (const [url, covs] of scripts) {
    const merged = mergeProcessCovs(covs.map((script) => ({ result: [script] }))).result[0]!
    const { lineLengths, data } = maps[url]!
    const file = fileURLToPath(url)
    // tsx's output is not on disk; like c8, stand in filler of the recorded line lengths.
    const converter = v8ToIstanbul(file, 0, {
      source: lineLengths.map((length) => '.'.repeat(length)).join('\n'),
      originalSource: data!.sourcesContent![0]!,
      sourceMap: { sourcemap: data as never },
    })
    await converter.load()
    converter.applyCoverage(merged.functions)
    const converted = Object.values(converter.toIstanbul())[0] as unknown as FileCoverage | undefined
    converter.destroy()
    if (!converted) continue
    const lines = new Map<number, number>()
    for (const [id, location] of Object.entries(converted.statementMap)) {
      const count = converted.s[id] ?? 0
      lines.set(location.start.line, Math.max(lines.get(location.start.line) ?? 0, count))
    }
    hits.set(file, lines)
  }
  return hits
}

const provider: CoverageProviderModule = {
  ...v8,
  async getProvider(): Promise<CoverageProvider> {
    const inner = (await v8.getProvider()) as CoverageProvider & {
      options: ResolvedCoverageOptions
      isIncluded(file: string): boolean
    }
    const initialize = inner.initialize.bind(inner)
    const generateCoverage = inner.generateCoverage.bind(inner)
    let root = process.cwd()
    const dir = () => path.join(inner.options.reportsDirectory, '.children')
    inner.initialize = async (ctx: Vitest) => {
      await initialize(ctx)
      root = ctx.config.root
      process.env[CHILD_COVERAGE_ENV] = dir()
    }
    inner.generateCoverage = async (context) => {
      const coverageMap = (await generateCoverage(context)) as StatementCoverage
      addLineHits(coverageMap, await childLineHits(dir(), root, (file) => inner.isIncluded(file)))
      fs.rmSync(dir(), { recursive: true, force: true })
      return coverageMap
    }
    return inner
  },
}

export default provider
