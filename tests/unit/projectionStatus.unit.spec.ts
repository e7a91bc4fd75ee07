/**
 * How a projection and its jobs stand, as health, metrics, the operations and projections views
 * and the CLI all say it: whether its records need a rebuild; how far a job is and how long it
 * still needs; the entry it failed at.
 */
import { describe, expect, it } from 'vitest'

import type { ChatEvent } from '@/events/types'
import { codeIsOlder, EntryFailed, olderCodeReason, type Progress, rebuildNeeded } from '@/rebuild/control'
import { paceOf } from '@/rebuild/progress'
import { lineFactsOf, ExpectedProjection } from '@/rebuild/target'
import { STORES } from '@/store/stores'

import { event } from './given'

describe('rebuild needed', () => {
  it.each([
    ['records built by the deployed version', { stored: 4, delivered: '1700-0' }, false],
    ['records built by an older version', { stored: 3, delivered: '1700-0' }, true],
    ['records built by a newer version (this code is the older one)', { stored: 5, delivered: '1700-0' }, false],
    ['no version, no consumer group yet: nothing stored', { stored: null, delivered: null }, false],
    ['no version, a group that has delivered nothing: nothing stored', { stored: null, delivered: '0-0' }, false],
    [
      'no version, a group that has delivered entries: records of unknown code',
      { stored: null, delivered: '1700-0' },
      true,
    ],
  ] as const)('%s', (_, facts, expected) => {
    expect(rebuildNeeded({ version: 4, ...facts })).toBe(expected)
  })

  it('is never asked of code older than the stored records, which says so instead', () => {
    expect(codeIsOlder(4, 5)).toBe(true)
    expect([codeIsOlder(4, 4), codeIsOlder(4, 3), codeIsOlder(4, null)]).toEqual([false, false, false])
    expect(olderCodeReason(4, 5)).toBe(
      'code older than the stored projection: records built by version 5, this code is version 4',
    )
  })
})

const progressOf = (changes: Partial<Progress>): Progress => ({
  id: 'job-1',
  job: 'verify',
  projection: 'dashboard',
  state: 'running',
  phase: 'reading',
  read: 0,
  total: 0,
  compared: 0,
  records: 0,
  written: 0,
  eventsPerSecond: 0,
  etaSeconds: null,
  startedAt: '2025-03-03T09:00:00.000Z',
  updatedAt: '2025-03-03T09:00:00.000Z',
  by: 'test',
  pid: 4242,
  ...changes,
})
const second = 1_000

describe('a job’s time to go', () => {
  it.each([
    // job, phase, progress now; the phase began at 10 s (with `done` of its work done), it is now 20 s
    ['verify', 'reading', { read: 4_000, total: 10_000 }, 0, 15],
    ['verify', 'folding', { read: 10_000, total: 10_000 }, 10_000, 0],
    ['verify', 'comparing', { read: 10_000, total: 10_000, compared: 400, records: 1_000 }, 0, 15],
    ['rebuild', 'writing', { read: 10_000, total: 10_000, compared: 600, records: 1_000 }, 100, 8],
    ['rebuild', 'catching up', { read: 10_050, total: 10_100, compared: 1_000, records: 1_000 }, 10_000, 10],
    ['replay', 'writing', { read: 300, total: 1_000 }, 0, 23],
  ] as const)('%s, %s: from what the phase has done since it began, at its pace', (job, phase, now, done, eta) => {
    const progress = progressOf({ job, phase, ...now })
    const pace = paceOf(progress, { started: 0, phase: { at: 10 * second, done } }, 20 * second)
    expect(pace.etaSeconds).toBe(eta)
  })

  it('is unknown until the phase has done some of its work, and none once the job is done', () => {
    const comparing = progressOf({ phase: 'comparing', read: 10_000, total: 10_000, records: 1_000 })
    expect(paceOf(comparing, { started: 0, phase: { at: 10 * second, done: 0 } }, 20 * second).etaSeconds).toBeNull()
    const done = progressOf({ phase: 'done', state: 'done', read: 10_000, total: 10_000, compared: 1_000 })
    expect(paceOf(done, { started: 0, phase: { at: 10 * second, done: 0 } }, 20 * second).etaSeconds).toBe(0)
  })

  it('counts events read per second over the whole job', () => {
    const progress = progressOf({ phase: 'comparing', read: 10_000, total: 10_000, compared: 10, records: 1_000 })
    expect(paceOf(progress, { started: 0, phase: { at: 10 * second, done: 0 } }, 20 * second).eventsPerSecond).toBe(500)
  })
})

describe('a job that fails folding an entry', () => {
  // Events the edge never lets through (without their data): folds that cannot take them
  const withoutData = (entry: ChatEvent) => ({ ...entry, data: undefined }) as never
  const failureOf = (fold: () => unknown) => {
    try {
      fold()
    } catch (error) {
      return error
    }
  }
  const line = event('1-1', 'user_input', { u: 'Hello' })

  it('names the entry, for records and lines alike', () => {
    const target = new ExpectedProjection(STORES.dashboard)
    const decision = withoutData(event('1-2', 'final_decision', { decision: 'APPROVED' }))
    const folding = failureOf(() => target.add([line, decision]))
    expect(folding).toBeInstanceOf(EntryFailed)
    expect(folding).toMatchObject({ entryId: '1-2', reason: expect.stringMatching(/^folding the entry failed: /) })
    const unsaid = withoutData(event('1-3', 'user_input', { u: 'Hi' }))
    expect(failureOf(() => lineFactsOf(target.lines, [line, unsaid]))).toMatchObject({ entryId: '1-3' })
  })
})
