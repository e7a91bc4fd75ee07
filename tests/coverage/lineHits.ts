/**
 * Line hits in `src/` from raw V8 coverage of a built script (a Next.js chunk, in the browser or
 * in the Next server), through the script's source map on disk. V8 reports nested ranges with
 * counts; the count at a position is the innermost range's. Each source-map point that lands in
 * a file of `src/` gives its original line the count at its generated position, and a line keeps
 * the highest count of its points.
 */
import { AnyMap, eachMapping, type SourceMapInput } from '@jridgewell/trace-mapping'
import fs from 'node:fs'
import path from 'node:path'

export type Range = { startOffset: number; endOffset: number; count: number }
export type FunctionCoverage = { ranges: Range[] }
/** file (absolute) → line (1-based) → count. */
export type LineHits = Map<string, Map<number, number>>

type Point = { offset: number; file: string; line: number }

/** What a built script's map says about `src/`: its points in generated order (cached per script). */
const pointsCache = new Map<string, Point[]>()

function sourceFile(source: string, mapDir: string, root: string): string {
  // Turbopack names sources `turbopack:///[project]/src/…`; webpack `webpack://_N_E/./src/…`.
  const project = source.indexOf('[project]/')
  if (project >= 0) return path.join(root, source.slice(project + '[project]/'.length))
  const webpack = source.match(/^webpack:\/\/[^/]*\/(.*)$/)
  if (webpack) return path.join(root, webpack[1]!)
  return path.resolve(mapDir, source.replace(/^file:\/\//, ''))
}

function pointsOf(script: string, root: string): Point[] {
  const cached = pointsCache.get(script)
  if (cached) return cached
  const points: Point[] = []
  pointsCache.set(script, points)
  if (!fs.existsSync(script)) return points
  const code = fs.readFileSync(script, 'utf8')
  // The map the script names (Turbopack's chunks do not share their map's name), else `<script>.map`.
  const named = code.slice(-1_000).match(/\/\/# sourceMappingURL=([^\s]+)\s*$/)?.[1]
  const mapFile = named && !named.startsWith('data:') ? path.resolve(path.dirname(script), named) : `${script}.map`
  if (!fs.existsSync(mapFile)) return points
  const raw = fs.readFileSync(mapFile, 'utf8')
  // Most chunks hold only dependencies: skip their maps without parsing the mappings.
  if (!raw.includes('[project]/src/') && !raw.includes('/./src/')) return points
  const srcDir = path.join(root, 'src') + path.sep
  const lineStarts = [0]
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1)
  const map = new AnyMap(JSON.parse(raw) as SourceMapInput)
  const files = new Map<string, string>()
  eachMapping(map, (mapping) => {
    if (mapping.source === null) return
    let file = files.get(mapping.source)
    if (file === undefined) {
      file = sourceFile(mapping.source, path.dirname(mapFile), root)
      files.set(mapping.source, file)
    }
    if (!file.startsWith(srcDir)) return
    const start = lineStarts[mapping.generatedLine - 1]
    if (start === undefined) return
    points.push({ offset: start + mapping.generatedColumn, file, line: mapping.originalLine })
  })
  points.sort((a, b) => a.offset - b.offset)
  return points
}

/** Adds the hits of one script's coverage (the built file on disk, its `functions` from V8). */
export function addScriptHits(hits: LineHits, script: string, functions: FunctionCoverage[], root: string): void {
  const points = pointsOf(script, root)
  if (points.length === 0) return
  // Outer ranges before the ranges they hold: by start, then the longer first.
  const ranges = functions
    .flatMap((fn) => fn.ranges)
    .sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset)
  const stack: Range[] = []
  let next = 0
  for (const point of points) {
    while (next < ranges.length && ranges[next]!.startOffset <= point.offset) {
      const range = ranges[next++]!
      while (stack.length && stack[stack.length - 1]!.endOffset <= range.startOffset) stack.pop()
      stack.push(range)
    }
    while (stack.length && stack[stack.length - 1]!.endOffset <= point.offset) stack.pop()
    const count = stack[stack.length - 1]?.count ?? 0
    let lines = hits.get(point.file)
    if (!lines) hits.set(point.file, (lines = new Map()))
    lines.set(point.line, Math.max(lines.get(point.line) ?? 0, count))
  }
}

/** The part of an istanbul coverage map this folder touches (vitest's and istanbul-lib-coverage's alike). */
export type StatementCoverage = {
  files(): string[]
  fileCoverageFor(file: string): {
    data: { s: Record<string, number>; statementMap: Record<string, { start: { line: number } }> }
  }
}

/**
 * Raises the statement counts of the map where other processes ran the statement's line: only
 * statements the map knows, so its denominators stay its own.
 */
export function addLineHits(map: StatementCoverage, hits: LineHits): void {
  for (const file of map.files()) {
    const lines = hits.get(file)
    if (!lines) continue
    const { s, statementMap } = map.fileCoverageFor(file).data
    for (const [id, location] of Object.entries(statementMap))
      s[id] = (s[id] ?? 0) + (lines.get(location.start.line) ?? 0)
  }
}

/** Line hits as JSON (file relative to the root → line → count) and back. */
export const hitsToJson = (hits: LineHits, root: string) =>
  Object.fromEntries([...hits].map(([file, lines]) => [path.relative(root, file), Object.fromEntries(lines)]))

export function mergeJsonHits(into: LineHits, json: Record<string, Record<string, number>>, root: string): void {
  for (const [file, lines] of Object.entries(json)) {
    const absolute = path.join(root, file)
    let merged = into.get(absolute)
    if (!merged) into.set(absolute, (merged = new Map()))
    for (const [line, count] of Object.entries(lines))
      merged.set(Number(line), Math.max(merged.get(Number(line)) ?? 0, count))
  }
}
