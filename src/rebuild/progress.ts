/**
 * How far a job is, from its progress alone (pure: the job reports it, the projections view and
 * the CLI show it): the work of its phase, done of total; events read per second; and the
 * seconds the phase still needs, at the pace it has gone since it began.
 */
import type { Progress } from './control'

/** Where the job's current phase began: when, and how much of the phase's work was done then. */
export type PhaseStart = { at: number; done: number }

export type Pace = Pick<Progress, 'eventsPerSecond' | 'etaSeconds'>

type Counts = Pick<Progress, 'job' | 'phase' | 'read' | 'total' | 'compared' | 'records'>

/**
 * What a phase counts: stored records compared while comparing or writing them (verify, rebuild);
 * stream entries read otherwise (reading, folding, catching up, and all a replay writes).
 */
export function phaseWork({ job, phase, read, total, compared, records }: Counts): {
  done: number
  total: number
  of: 'records' | 'events'
} {
  if (phase === 'comparing' || (phase === 'writing' && job !== 'replay'))
    return { done: compared, total: records, of: 'records' }
  return { done: read, total, of: 'events' }
}

/** The seconds the phase still needs at its pace so far; null until it has done some of its work. */
function secondsLeft(progress: Counts, phase: PhaseStart, now: number): number | null {
  const work = phaseWork(progress)
  const left = work.total - work.done
  if (left <= 0 || progress.phase === 'done') return 0
  const perSecond = (work.done - phase.done) / ((now - phase.at) / 1000)
  return perSecond > 0 && Number.isFinite(perSecond) ? Math.round(left / perSecond) : null
}

/** The job's pace at `now`, given when it began and where its phase began. */
export function paceOf(
  progress: Counts,
  { started, phase }: { started: number; phase: PhaseStart },
  now: number,
): Pace {
  const seconds = (now - started) / 1000
  return {
    eventsPerSecond: seconds > 0 ? Math.round(progress.read / seconds) : 0,
    etaSeconds: secondsLeft(progress, phase, now),
  }
}
