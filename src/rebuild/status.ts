/**
 * How each projection stands, for the CLI's `status`, the projections view and health: the
 * deployed code's version beside the version that built the stored records, the running or last
 * job, and what a rebuild would touch (events in the stream, records stored).
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { PROJECTION_NAMES, type ProjectionName, PROJECTIONS } from '@/projections'
import { STORES } from '@/store'
import { chatLedgerStream } from '@/worker/settings'

import { type Progress, readProgress, storedVersion } from './control'
import { streamExtent } from './streamReader'

export type ProjectionStatus = {
  name: ProjectionName
  group: string
  version: number
  /** The version of the code that last built the stored records; null before any worker ran. */
  storedVersion: number | null
  /** The stored records were built by other code than the deployed one. */
  rebuildNeeded: boolean
  job: Progress | null
}

export type JobPlan = { events: number; records: number }

export async function projectionStatus(redis: Redis, name: ProjectionName): Promise<ProjectionStatus> {
  const stream = chatLedgerStream()
  const { group, version } = PROJECTIONS[name]
  const [stored, job] = await Promise.all([storedVersion(redis, stream, group), readProgress(redis, stream, group)])
  return {
    name,
    group,
    version,
    storedVersion: stored ?? null,
    rebuildNeeded: stored !== undefined && stored !== version,
    job: job ?? null,
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
