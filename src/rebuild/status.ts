/**
 * How each projection stands, for the CLI's `status`, the projections view and health: the
 * deployed code's version beside the version that built the stored records, the running or last
 * job, and what a rebuild would touch (events in the stream, records stored).
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { PROJECTION_NAMES, type ProjectionName, PROJECTIONS } from '@/projections'
import { STORES } from '@/store'

import { codeIsOlder, holderIsGone, jobKeys, type Progress, readProgress, rebuildNeeded } from './control'
import { streamExtent } from './streamReader'
import { groupProgress, storedVersion } from '@/lib/checkpoint'
import { chatLedgerStream } from '@/lib/stream'

export type ProjectionStatus = {
  name: ProjectionName
  group: string
  version: number
  /** The version of the code that last built the stored records; null before any worker ran. */
  storedVersion: number | null
  /** The stored records were built by older code than the deployed one (see rebuildNeeded). */
  rebuildNeeded: boolean
  /** The stored records were built by newer code than the deployed one (see codeIsOlder). */
  codeOlder: boolean
  job: Progress | null
  /** The job's process ended without finishing it (shown as failed; the worker resumes it). */
  abandoned: boolean
}

const isActive = (job: Progress) => job.state === 'running' || job.state === 'paused'

/**
 * A job whose lock is gone while its progress says it runs, or held by a process of this host
 * that no longer runs (killed, out of memory): it ended without finishing.
 */
const abandoned = (job: Progress): Progress => ({
  ...job,
  state: 'failed',
  error: `the ${job.job}'s process ended without finishing (killed or crashed); started again, it resumes`,
})

export type JobPlan = { events: number; records: number }

export async function projectionStatus(redis: Redis, name: ProjectionName): Promise<ProjectionStatus> {
  const stream = chatLedgerStream()
  const { group, version } = PROJECTIONS[name]
  const [stored, job, held, progress] = await Promise.all([
    storedVersion(redis, stream, group),
    readProgress(redis, stream, group),
    redis.get(jobKeys(stream, group).lock),
    groupProgress(redis, stream, group),
  ])
  const ended = job && isActive(job) && (held === null || holderIsGone(held))
  return {
    name,
    group,
    version,
    storedVersion: stored ?? null,
    rebuildNeeded: rebuildNeeded({ version, stored: stored ?? null, delivered: progress?.lastDelivered ?? null }),
    codeOlder: codeIsOlder(version, stored ?? null),
    job: ended ? abandoned(job) : (job ?? null),
    abandoned: Boolean(ended),
  }
}

export const projectionStatuses = (redis: Redis): Promise<ProjectionStatus[]> =>
  Promise.all(PROJECTION_NAMES.map((name) => projectionStatus(redis, name)))

/** What a verify or rebuild of `name` reads and compares: the stream's events and the stored records. */
export async function jobPlan(payload: Payload, redis: Redis, name: ProjectionName): Promise<JobPlan> {
  const { length } = await streamExtent(redis, chatLedgerStream())
  const totals = await Promise.all(
    Object.values(STORES[name].kinds).map(({ collection }) => payload.db.count({ collection })),
  )
  return { events: length, records: totals.reduce((sum, { totalDocs }) => sum + totalDocs, 0) }
}
