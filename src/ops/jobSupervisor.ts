/**
 * The worker's watch over verify and rebuild jobs, every JOB_SUPERVISOR_MS (15 s): a job whose
 * process died (its progress still says running or paused; its lock is gone, or names a process
 * of this host that is gone) is started again in a process of its own, which resumes it from its
 * checkpoint, and says so. At most three such starts a projection an hour: a job that keeps
 * dying (out of memory, a bad event) is left failed for a person to look at. With
 * REBUILD_ON_VERSION_CHANGE=true, a projection whose records older code built is rebuilt the same
 * way. A projection new to a long stream (FIRST_BUILD_MIN_EVENTS) is built first by a rebuild too.
 * Several workers may watch at once: one job per projection still runs (the lock), and the
 * others' starts are refused.
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { booleanSetting, positiveIntSetting } from '@/lib/env'
import { chatLedgerStream } from '@/lib/stream'
import { type ProjectionName, PROJECTIONS } from '@/projections'

import { jobKeys, type Progress, rebuildReason } from '@/rebuild/control'
import { firstBuildNeeded } from '@/lib/checkpoint'
import { JobRefused, startJobProcess } from '@/rebuild/jobProcess'
import { projectionStatus } from '@/rebuild/status'

const STARTS_PER_HOUR = 3

const active = (job: Progress | null) => job?.state === 'running' || job?.state === 'paused'

export const supervisorSettings = () => ({
  intervalMs: positiveIntSetting('JOB_SUPERVISOR_MS', 15_000),
  rebuildOnVersionChange: booleanSetting('REBUILD_ON_VERSION_CHANGE', false),
})

export function superviseJobs(
  redis: Redis,
  logger: Payload['logger'],
  projections: ProjectionName[],
  { intervalMs, rebuildOnVersionChange } = supervisorSettings(),
): { stop: () => void } {
  const worker = `worker@${process.pid}`
  let checking = false

  /** Starts a job process unless this projection had three automatic starts within the hour. */
  const start = async (name: ProjectionName, job: 'verify' | 'rebuild', by: string, why: string) => {
    const starts = `${jobKeys(chatLedgerStream(), PROJECTIONS[name].group).progress}:automatic-starts`
    const count = await redis.incr(starts)
    if (count === 1) await redis.expire(starts, 3_600)
    if (count > STARTS_PER_HOUR) {
      if (count === STARTS_PER_HOUR + 1)
        logger.error(
          { projection: name, job },
          `${why}: not started, as ${STARTS_PER_HOUR} times this hour already; see the jobs' logs`,
        )
      return
    }
    try {
      const started = await startJobProcess(redis, job, name, { by })
      logger.warn(
        { projection: name, job, jobPid: started.pid, log: started.log },
        `${why}: started in a process of its own`,
      )
    } catch (error) {
      if (error instanceof JobRefused) return // another worker's start got there first, or the code is older
      logger.error({ err: error, projection: name, job }, `${why}: could not start it`)
    }
  }

  const check = async () => {
    if (checking) return
    checking = true
    try {
      for (const name of projections) {
        const status = await projectionStatus(redis, name)
        const { job } = status
        if (status.abandoned && job && job.job !== 'replay') {
          await start(
            name,
            job.job,
            job.by,
            `resuming the ${job.job} of ${name}, whose process ended without finishing (killed while ${job.phase})`,
          )
        } else if (!active(job) && (await firstBuildNeeded(redis, chatLedgerStream(), PROJECTIONS[name].group))) {
          await start(name, 'rebuild', `${worker} (first build)`, `building ${name} for the first time, in bulk`)
        } else if (rebuildOnVersionChange && status.rebuildNeeded && !active(job)) {
          await start(
            name,
            'rebuild',
            `${worker} (version change)`,
            `rebuilding ${name}: ${rebuildReason(status.version, status.storedVersion)}`,
          )
        }
      }
    } catch (error) {
      logger.warn({ err: error }, 'the job supervisor could not read the projections’ jobs; trying again')
    } finally {
      checking = false
    }
  }

  void check()
  const timer = setInterval(() => void check(), intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
