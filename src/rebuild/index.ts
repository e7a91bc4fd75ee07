/**
 * Running a verify, rebuild or replay of a projection: takes the projection's lock, reports
 * progress, and returns the job's report. Used by `pnpm projections` and the operations view.
 */
import type { Redis } from 'ioredis'
import type { Payload, TypedUser } from 'payload'

import { type AuditEntry, recordAudit } from '@/ops/audit'
import { type ProjectionName, PROJECTIONS } from '@/projections'
import { STORES } from '@/store'
import { writerFor } from '@/store/writer'

import { Cancelled, CodeIsOlder, codeIsOlder, EntryFailed, type Job, JobRun } from './control'
import { rebuild, type RebuildReport } from './rebuild'
import { replay, type ReplayReport } from './replay'
import { type Drift, hasDrift, verify } from './verify'
import { chatLedgerStream } from '@/lib/stream'
import { storedVersion } from '@/lib/checkpoint'

export type JobOptions = {
  /** Who asked, as recorded in the progress and the audit log: `admin:<email>`, `cli:<user>@<host>`, … */
  by: string
  /** The person who asked, when it was one (the audit log links them). */
  user?: Pick<TypedUser, 'id' | 'email'>
  /** For replay: the range and the conversation. */
  from?: string
  to?: string
  conversation?: string
  /** Starts over even when a killed job of the same kind left a checkpoint to resume from. */
  restart?: boolean
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
  if (job !== 'verify') {
    const stored = (await storedVersion(redis, stream, projection.group)) ?? null
    if (codeIsOlder(projection.version, stored)) throw new CodeIsOlder(name, projection.version, stored!)
  }
  const run = await JobRun.start(redis, stream, projection.group, job, name, options.by, {
    restart: options.restart,
  })
  options.onStart?.(run)
  const context = { payload, redis, stream, store: STORES[name], run }
  try {
    // The job's fencing token: any job of this projection before it now writes nothing more.
    run.fence = await writerFor(payload).transaction(job, (tx) => tx.nextFence(name))
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
    await audit({ result: 'succeeded', detail: { job: run.id, report } })
    return result
  } catch (error) {
    if (error instanceof Cancelled) {
      await run.finish('cancelled')
      await audit({ result: 'cancelled', detail: { job: run.id } })
      throw error
    }
    if (error instanceof EntryFailed) {
      const { reason, entryId } = error
      await run.finish('failed', { error: reason, errorEntryId: entryId })
      await audit({ result: 'failed', detail: { job: run.id, error: reason, entryId } })
      throw error
    }
    const message = error instanceof Error ? error.message : String(error)
    await run.finish('failed', { error: message })
    await audit({ result: 'failed', detail: { job: run.id, error: message } })
    throw error
  }

  /** Every job is in the audit log, however it ended (a failure to record it must not hide the job's own outcome). */
  async function audit(entry: Pick<AuditEntry, 'result' | 'detail'>) {
    await recordAudit(
      payload,
      {
        action: `projection.${job}`,
        target: name,
        ...entry,
        detail: { ...entry.detail, ...(options.from ? { from: options.from, to: options.to } : {}) },
      },
      { user: options.user, actor: options.by },
    ).catch((error: unknown) => payload.logger.error({ err: error }, `could not record the ${job} in the audit log`))
  }
}

export { storedVersion }
export { CodeIsOlder, controlJob, EntryFailed, JobAlreadyRunning, readProgress } from './control'
export type { Drift } from './verify'
export type { RebuildReport } from './rebuild'
export type { ReplayReport } from './replay'
