/**
 * The change feed: a capped Redis stream that every Next instance and worker shares. One entry
 * per committed change, fields `collection` and `message` (the compact JSON of a ChangeMessage,
 * src/projections/changes.ts); the entry id orders the feed and is the SSE event id a client
 * resumes from.
 */
import type { Redis } from 'ioredis'

import { topicsOf } from './feedFilter'
import type { ChangeMessage, FeedCollection } from '@/projections/changes'
import { realtimeSettings } from './settings'
import type { StreamEntryReply } from '@/lib/stream'

export type FeedEntry = {
  id: string
  /** A collection's change, or who views a conversation (`presence`, src/presence). */
  collection: FeedCollection | 'presence'
  /** The message exactly as published: the SSE `data:` line, never re-serialised per client. */
  json: string
  /** For `?conversation=` filters (feedFilter.ts): what the entry is about, e.g. `conversation:C-9`. */
  keys: string[]
  /** A conversation's change: the application and customer it links to. */
  links: string[]
}

/**
 * Appends messages in one round trip (a pipeline), trimming approximately to `maxLen` entries:
 * `MAXLEN ~` lets Redis drop whole macro nodes, which costs next to nothing. Returns the ids.
 */
export async function publishMessages(
  redis: Redis,
  messages: ChangeMessage[],
  settings = realtimeSettings(),
): Promise<string[]> {
  if (messages.length === 0) return []
  const pipeline = redis.pipeline()
  for (const message of messages) {
    pipeline.xadd(
      settings.stream,
      'MAXLEN',
      '~',
      settings.maxLen,
      '*',
      'collection',
      message.collection,
      'message',
      JSON.stringify(message),
    )
  }
  const results = (await pipeline.exec()) ?? []
  return results.map(([error, id]) => {
    if (error) throw error
    return id as string
  })
}

/** A stream entry as read back (XRANGE / XREAD); undefined for an entry this code did not write. */
export function toFeedEntry([id, fields]: StreamEntryReply): FeedEntry | undefined {
  let collection: string | undefined
  let json: string | undefined
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'collection') collection = fields[i + 1]
    else if (fields[i] === 'message') json = fields[i + 1]
  }
  if (!collection || json === undefined) return undefined
  return { id, collection: collection as FeedEntry['collection'], json, ...topicsOf(collection, json) }
}

export const toFeedEntries = (raw: StreamEntryReply[] | null | undefined): FeedEntry[] =>
  (raw ?? []).map(toFeedEntry).filter((entry): entry is FeedEntry => entry !== undefined)
