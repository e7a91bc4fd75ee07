/**
 * A job's pace, from its progress alone (pure: the job reports it, the projections view and the
 * CLI show it): events read per second, and the seconds it still needs.
 */
import type { Progress } from './control'

/** Where the job's current phase began: when, and how much of the phase's work was done then. */
export type PhaseStart = { at: number; done: number }

export type Pace = Pick<Progress, 'eventsPerSecond' | 'etaSeconds'>

/** The job's pace at `now`, given when it began and where its phase began. */
export function paceOf(progress: Progress, { started }: { started: number; phase: PhaseStart }, now: number): Pace {
  const seconds = (now - started) / 1000
  const { read, total } = progress
  const eventsPerSecond = seconds > 0 ? Math.round(read / seconds) : 0
  const etaSeconds =
    progress.phase === 'reading' && eventsPerSecond > 0
      ? Math.max(0, Math.round((total - read) / eventsPerSecond))
      : null
  return { eventsPerSecond, etaSeconds }
}
