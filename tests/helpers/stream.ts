import type { Redis } from 'ioredis'

import { parse } from '@/events/parse'
import type { ChatEvent } from '@/events/types'
import { fold, foldAll, type ProjectionName, PROJECTIONS } from '@/projections'
import { deadLetterStreamOf } from '@/lib/stream'

export type Appended = { id: string; fields: Record<string, string> }

/** Appends field maps to a stream in order (pipelined), returning each entry's id. */
export async function appendAll(
  redis: Redis,
  stream: string,
  corpus: Array<Record<string, string>>,
): Promise<Appended[]> {
  const appended: Appended[] = []
  for (let i = 0; i < corpus.length; i += 1_000) {
    const chunk = corpus.slice(i, i + 1_000)
    const pipeline = redis.pipeline()
    for (const fields of chunk) pipeline.xadd(stream, '*', ...Object.entries(fields).flat())
    const results = (await pipeline.exec()) ?? []
    results.forEach(([error, id], index) => {
      if (error) throw error
      appended.push({ id: id as string, fields: chunk[index]! })
    })
  }
  return appended
}

/** The valid events of what was appended, in stream order. */
export function eventsOfAppended(appended: Appended[]): ChatEvent[] {
  const events: ChatEvent[] = []
  for (const { id, fields } of appended) {
    const result = parse(id, fields)
    if (result.ok) events.push(result.event)
  }
  return events
}

/** The oracle: the valid events of what was appended, folded in memory by the dashboard's folds. */
export const oracleOf = (appended: Appended[]) => foldAll(eventsOfAppended(appended))

/** The portal's oracle, the same way. */
export const portalOracleOf = (appended: Appended[]) => fold(PROJECTIONS.portal, eventsOfAppended(appended))

/** Resolves once the group has delivered and acknowledged everything in the stream. */
export async function waitUntilDrained(
  redis: Redis,
  stream: string,
  group: string,
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as Array<Array<string | number>>
    const info = groups.map((row) => Object.fromEntries(chunkPairs(row))).find((row) => row.name === group)
    if (info && Number(info.pending) === 0 && Number(info.lag) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${stream}/${group} not drained within ${timeoutMs} ms`)
}

const chunkPairs = (row: Array<string | number>): Array<[string, string | number]> => {
  const pairs: Array<[string, string | number]> = []
  for (let i = 0; i < row.length; i += 2) pairs.push([String(row[i]), row[i + 1]!])
  return pairs
}

/** A stream entry's flat field list as a map. */
export const fieldMap = (fields: string[]): Record<string, string> =>
  Object.fromEntries(chunkPairs(fields)) as Record<string, string>

/** The consumer group's `pending` and `lag` as XINFO GROUPS reports them (undefined: no such group). */
export async function groupInfo(
  redis: Redis,
  stream: string,
  group: string,
): Promise<{ pending: number; lag: number } | undefined> {
  const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as Array<Array<string | number>>
  const info = groups.map((row) => Object.fromEntries(chunkPairs(row))).find((row) => row.name === group)
  return info ? { pending: Number(info.pending), lag: Number(info.lag) } : undefined
}

export type DeadLetter = {
  id: string
  entryId: string
  fields: string[]
  reason: string
  attempts: number
  consumer: string
  failedAt: string
}

/** A projection's dead-letter stream for `stream` (the dashboard's unless named). */
export const dlqOf = (stream: string, projection: ProjectionName = 'dashboard') =>
  deadLetterStreamOf(stream, PROJECTIONS[projection].group)

/** Everything in a projection's dead-letter stream, oldest first. */
export async function deadLettersOf(
  redis: Redis,
  stream: string,
  projection: ProjectionName = 'dashboard',
): Promise<DeadLetter[]> {
  const entries = (await redis.xrange(dlqOf(stream, projection), '-', '+')) as Array<[string, string[]]>
  return entries.map(([id, flat]) => {
    const letter = fieldMap(flat)
    return {
      id,
      entryId: letter.entryId!,
      fields: JSON.parse(letter.fields!) as string[],
      reason: letter.reason!,
      attempts: Number(letter.attempts),
      consumer: letter.consumer!,
      failedAt: letter.failedAt!,
    }
  })
}
