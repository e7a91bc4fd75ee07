/**
 * Reading chatLedger in pages for verify, rebuild and replay: XRANGE with an exclusive start,
 * each entry parsed at the edge exactly as the worker parses it. Malformed entries are left out
 * of the folds, as the worker leaves them out (it dead-lettered them when it met them), and named
 * in the page so the job can report them.
 */
import type { Redis } from 'ioredis'

import { compareEntryIds, type EntryId, isEntryId } from '@/events/entryId'
import { parse } from '@/events/parse'
import type { ChatEvent } from '@/events/types'

import type { LineFacts } from './target'
import type { StreamEntryReply } from '@/lib/stream'

export type StreamPage = {
  events: ChatEvent[]
  read: number
  last: EntryId
  malformed: EntryId[]
  /** The events' lines, when the reader thread made them for a projection (see LineFacts). */
  lines?: LineFacts
}

/** Malformed entries, left out of a job's folds: how many, and the first ids. */
export type Skipped = { count: number; firstIds: EntryId[] }

const SKIPPED_NAMED = 20

export const noneSkipped = (): Skipped => ({ count: 0, firstIds: [] })

export function skip(skipped: Skipped, ids: EntryId[]): void {
  skipped.count += ids.length
  for (const id of ids) if (skipped.firstIds.length < SKIPPED_NAMED) skipped.firstIds.push(id)
}

/** The stream's length and its last entry id (`0-0` when empty). */
export async function streamExtent(redis: Redis, stream: string): Promise<{ length: number; last: EntryId }> {
  const [length, last] = await Promise.all([
    redis.xlen(stream),
    redis.xrevrange(stream, '+', '-', 'COUNT', 1) as Promise<StreamEntryReply[]>,
  ])
  return { length, last: last[0]?.[0] ?? '0-0' }
}

/**
 * An entry id, or an ISO time turned into the first entry id at or after it (entry ids are
 * milliseconds since the epoch): `--from 2025-03-03T09:00:00Z` reads from that moment on.
 */
export function positionOf(value: string, edge: 'from' | 'to'): EntryId {
  if (isEntryId(value)) return value
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw new Error(`${value} is neither a stream entry id (<ms>-<seq>) nor an ISO 8601 time`)
  return edge === 'from' ? `${ms}-0` : `${ms}-18446744073709551615`
}

/** Parses a page of raw entries as the worker would. */
function pageOf(raw: StreamEntryReply[], last: EntryId): StreamPage {
  const events: ChatEvent[] = []
  const malformed: EntryId[] = []
  for (const [id, fields] of raw) {
    const result = parse(id, fields)
    if (result.ok) events.push(result.event)
    // Entries of other agents and unknown types are skipped by design, as the worker acknowledges them.
    else if (result.kind === 'malformed') malformed.push(id)
  }
  return { events, read: raw.length, last, malformed }
}

/** The pages of `stream` after `after` (exclusive) up to `to` (inclusive), `pageSize` entries at a time. */
export async function* readStream(
  redis: Redis,
  stream: string,
  { after = '0-0', to = '+', pageSize = 5_000 }: { after?: EntryId; to?: EntryId | '+'; pageSize?: number } = {},
): AsyncGenerator<StreamPage> {
  let cursor = after
  for (;;) {
    const raw = (await redis.xrange(stream, `(${cursor}`, to, 'COUNT', pageSize)) as StreamEntryReply[]
    if (raw.length === 0) return
    cursor = raw[raw.length - 1]![0]
    yield pageOf(raw, cursor)
    if (raw.length < pageSize || (to !== '+' && compareEntryIds(cursor, to) >= 0)) return
  }
}

/** Entries by id, a page per list of ids (an id no longer in the stream is left out). */
export async function* readEntries(
  redis: Redis,
  stream: string,
  pages: Iterable<EntryId[]>,
): AsyncGenerator<StreamPage> {
  for (const ids of pages) {
    const pipeline = redis.pipeline()
    for (const id of ids) pipeline.xrange(stream, id, id)
    const results = (await pipeline.exec()) ?? []
    const raw = results.flatMap(([error, entries]) => {
      if (error) throw error
      return entries as StreamEntryReply[]
    })
    yield pageOf(raw, ids[ids.length - 1] ?? '0-0')
  }
}

/** What a reader reads: a range of the stream, or pages of listed entries (taken as they are read). */
export type Reading = { after?: EntryId; to?: EntryId | '+' } | { entries: Iterable<EntryId[]> }

export const pagesOf = (redis: Redis, stream: string, reading: Reading): AsyncGenerator<StreamPage> =>
  'entries' in reading ? readEntries(redis, stream, reading.entries) : readStream(redis, stream, reading)
