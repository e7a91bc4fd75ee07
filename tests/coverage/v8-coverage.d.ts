// @bcoe/v8-coverage ships no types; the one function tests/coverage/provider.ts uses.
declare module '@bcoe/v8-coverage' {
  import type { Profiler } from 'node:inspector'

  export type ProcessCov = { result: Profiler.ScriptCoverage[] }
  export function mergeProcessCovs(processCovs: ProcessCov[]): ProcessCov
}
