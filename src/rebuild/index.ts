/**
 * Running a verify, rebuild or replay of a projection: takes the projection's lock, reports
 * progress, and returns the job's report. Used by `pnpm projections` and the operations view.
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { type ProjectionName, PROJECTIONS } from '@/projections'
import { STORES } from '@/store'
import { chatLedgerStream } from '@/worker/settings'

import { Cancelled, type Job, JobRun } from './control'
import { type Drift, hasDrift, rebuild, type RebuildReport, replay, type ReplayReport, verify } from './jobs'

export type JobOptions = {
  by: string
  /** For replay: the range and the conversation. */
  from?: string
  to?: string
  conversation?: string
  /** Called with the run as soon as it holds the lock (the CLI's progress bar follows it). */
  onStart?: (run: JobRun) => void
}

export type JobResult =
  | { job: 'verify'; drift: Drift; drifted: boolean }
  | { job: 'rebuild'; report: RebuildReport }
  | { job: 'replay'; report: ReplayReport }

export async function runJob(
  payload: Payload,
  redis: Redis,
  job: Job,
  name: ProjectionName,
  options: JobOptions,
): Promise<JobResult> {
  const stream = chatLedgerStream()
  const projection = PROJECTIONS[name]
  const run = await JobRun.start(redis, stream, projection.group, job, name, options.by)
  options.onStart?.(run)
  const context = { payload, redis, stream, store: STORES[name], run }
  try {
    let result: JobResult
    if (job === 'verify') {
      const drift = await verify(context)
      result = { job, drift, drifted: hasDrift(drift) }
    } else if (job === 'rebuild') {
      result = { job, report: await rebuild(context) }
    } else {
      if (!options.from) throw new Error('replay needs --from <entry id or ISO time>')
      result = {
        job,
        report: await replay(context, { from: options.from, to: options.to, conversation: options.conversation }),
      }
    }
    const report = result.job === 'verify' ? result.drift : result.report
    await run.finish('done', { report: JSON.stringify(report) })
    return result
  } catch (error) {
    if (error instanceof Cancelled) {
      await run.finish('cancelled')
      throw error
    }
    await run.finish('failed', { error: error instanceof Error ? error.message : String(error) })
    throw error
  }
}

export { Cancelled, controlJob, JobAlreadyRunning, readProgress, storedVersion } from './control'
export type { Drift, RebuildReport, ReplayReport } from './jobs'
