/**
 * vitest's order of test files (by project, then the longest first by its cache of the last run's
 * durations, or the largest first without one), with the integration files that take longest moved
 * to the front of their project. A fresh clone has no such cache, and a long file that happened to
 * be small (workerCrash.int) started last and ran alone while the other workers sat idle.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** The longest integration files, the longest first (in a full run: about 2 min for the first, 45 s the last). */
const LONGEST = [
  'rebuildRuns',
  'rebuild',
  'workerBoot',
  'workerCrash',
  'export',
  'portalProjection',
  'schemaMode',
  'workerShutdown',
  'threadedReader',
  'workerOutage',
  'realtime',
].map((name) => `/tests/int/${name}.int.spec.ts`)

const rank = (file: TestSpecification) => {
  const index = LONGEST.findIndex((ending) => file.moduleId.endsWith(ending))
  return index < 0 ? LONGEST.length : index
}

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const project = new Map<string, number>()
    for (const file of sorted) if (!project.has(file.project.name)) project.set(file.project.name, project.size)
    const position = new Map(sorted.map((file, index) => [file, index]))
    const key = (file: TestSpecification) => [project.get(file.project.name)!, rank(file), position.get(file)!]
    return sorted.sort((a, b) => {
      const [ka, kb] = [key(a), key(b)]
      return ka[0]! - kb[0]! || ka[1]! - kb[1]! || ka[2]! - kb[2]!
    })
  }
}
