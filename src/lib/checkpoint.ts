/**
 * Where a projection stands, kept in Redis beside the stream: how far its consumer group has got
 * (what the portal API's answers say they reflect, what health measures lag by) and the version of
 * the code that built its records (what decides a rebuild).
 */
import type { Redis } from 'ioredis'

import { compareEntryIds, type EntryId, entryIdBefore } from '@/events/entryId'

import { intSetting } from './env'

export type GroupProgress = {
  /** The last entry handed to a consumer of the group. */
  lastDelivered: EntryId
  /** Entries delivered and not yet acknowledged. */
  pending: number
  /** The oldest of those, if any. */
  oldestPending: EntryId | null
  /** Entries not yet delivered (Redis 7), when Redis can tell. */
  undelivered: number | null
  /**
   * Every entry up to this one has been projected (acknowledged): the stream position the
   * projection's records reflect. `0-0` before anything.
   */
  position: EntryId
}

const fieldsOf = (row: unknown[]): Map<string, unknown> => {
  const fields = new Map<string, unknown>()
  for (let i = 0; i + 1 < row.length; i += 2) fields.set(String(row[i]), row[i + 1])
  return fields
}

/** The group's progress; undefined when the stream or the group does not exist yet. */
export async function groupProgress(redis: Redis, stream: string, group: string): Promise<GroupProgress | undefined> {
  const groups = (await redis.xinfo('GROUPS', stream).catch((error: Error) => {
    if (/no such key/i.test(error.message)) return []
    throw error
  })) as unknown[][]
  const info = groups.map(fieldsOf).find((fields) => fields.get('name') === group)
  if (!info) return undefined
  const lastDelivered = String(info.get('last-delivered-id') ?? '0-0')
  const pending = Number(info.get('pending') ?? 0)
  const lag = info.get('lag')
  let oldestPending: EntryId | null = null
  if (pending > 0) {
    const [, oldest] = (await redis.xpending(stream, group)) as [number, string | null, string | null, unknown]
    oldestPending = oldest
  }
  const position = oldestPending ? (entryIdBefore(oldestPending) ?? '0-0') : lastDelivered
  return {
    lastDelivered,
    pending,
    oldestPending,
    undelivered: lag === null || lag === undefined ? null : Number(lag),
    position,
  }
}

/** Whether the group has projected (delivered and acknowledged) the entry `entryId`. */
export async function hasProjected(redis: Redis, stream: string, group: string, entryId: EntryId): Promise<boolean> {
  const progress = await groupProgress(redis, stream, group)
  if (!progress || compareEntryIds(entryId, progress.lastDelivered) > 0) return false
  if (progress.oldestPending === null || compareEntryIds(entryId, progress.oldestPending) < 0) return true
  const rows = (await redis.xpending(stream, group, entryId, entryId, 1)) as unknown[]
  return rows.length === 0
}

/** The key of a projection's stored version: `<stream>:<group>:version`. */
export const versionKeyOf = (stream: string, group: string) => `${stream}:${group}:version`

/** The version of the code that built the stored records; undefined when none was recorded. */
export async function storedVersion(redis: Redis, stream: string, group: string): Promise<number | undefined> {
  const value = await redis.get(versionKeyOf(stream, group))
  return value === null ? undefined : Number(value)
}

/** Records the version that built the stored records (`onlyIfUnset`: unless one is recorded already). */
export const setStoredVersion = (
  redis: Redis,
  stream: string,
  group: string,
  version: number,
  { onlyIfUnset = false } = {},
) =>
  onlyIfUnset
    ? redis.set(versionKeyOf(stream, group), String(version), 'NX')
    : redis.set(versionKeyOf(stream, group), String(version))

/**
 * FIRST_BUILD_MIN_EVENTS (50,000; 0: never): a projection with no consumer group and no stored
 * version (one just added to a running system) on a stream at least this long is built first in
 * bulk, by a rebuild, rather than drained from the stream's beginning at live speed.
 */
export const firstBuildMinEvents = () => intSetting('FIRST_BUILD_MIN_EVENTS', 50_000)

/**
 * Whether the projection waits for its first build (see firstBuildMinEvents): the workers'
 * watch starts that rebuild, which creates the group right after the last entry it folded; the
 * projection's workers wait for that group instead of creating it at the beginning.
 */
export async function firstBuildNeeded(redis: Redis, stream: string, group: string): Promise<boolean> {
  const min = firstBuildMinEvents()
  if (min <= 0 || (await storedVersion(redis, stream, group)) !== undefined) return false
  if (await groupProgress(redis, stream, group)) return false
  return (await redis.xlen(stream)) >= min
}
