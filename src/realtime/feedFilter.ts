/**
 * Which feed entries one SSE client receives. `?collection=` is a plain set; `?conversation=`
 * follows one conversation: its own changes, its transcript lines, and the changes of the
 * application and customer it is linked to, as the links become known (the record read at
 * connect, then every change of the conversation that names them). Each connection has its own
 * filter and applies it to entries in feed order, backlog first.
 */
import type { FeedEntry } from './changeFeed'
import { type FeedCollection, idOf } from '@/projections/changes'

/** What a client asked for; `links` are the conversation's application/customer keys known at connect. */
export type FilterRequest = {
  collections?: ReadonlySet<FeedCollection>
  conversation?: { keys: string[]; links: string[] }
}

const topic = (kind: string, value: unknown): string[] =>
  value === undefined || value === null || value === '' ? [] : [`${kind}:${value}`]

/** The topics a conversation record is known by: its record id and its business key share one name space. */
export const conversationKeys = (id: unknown, conversationId: unknown): string[] => [
  ...topic('conversation', id),
  ...topic('conversation', conversationId),
]

/** The application and customer a conversation links to. */
export const conversationLinks = (
  doc: { application?: unknown; applicationNumber?: unknown; customer?: unknown } | undefined,
): string[] => [
  ...topic('application', idOf(doc?.application)),
  ...topic('applicationNumber', doc?.applicationNumber),
  ...topic('customer', idOf(doc?.customer)),
]

/** What an entry is about (`keys`) and, for a conversation, what it links to (`links`). */
export function topicsOf(collection: string, json: string): { keys: string[]; links: string[] } {
  try {
    const { id, doc } = JSON.parse(json) as { id?: unknown; doc?: Record<string, unknown> }
    switch (collection) {
      case 'conversations':
        return { keys: conversationKeys(id, doc?.conversationId), links: conversationLinks(doc) }
      case 'utterances':
        return { keys: conversationKeys(doc?.conversation, doc?.conversationId), links: [] }
      case 'applications':
        return { keys: [...topic('application', id), ...topic('applicationNumber', doc?.applicationNumber)], links: [] }
      case 'customers':
        return { keys: topic('customer', id), links: [] }
      case 'presence':
      case 'reviews':
      case 'notes':
        return { keys: conversationKeys(undefined, doc?.conversationId), links: [] }
    }
  } catch {
    // not JSON: about nothing in particular
  }
  return { keys: [], links: [] }
}

/** A stateful filter for one connection: call it on every entry, in feed order. */
export function feedFilter({ collections, conversation }: FilterRequest): (entry: FeedEntry) => boolean {
  const wanted = conversation ? new Set([...conversation.keys, ...conversation.links]) : undefined
  return (entry) => {
    if (wanted) {
      if (!entry.keys.some((key) => wanted.has(key))) return false
      // The conversation's own change: learn both its names and what it now links to.
      if (entry.collection === 'conversations') for (const key of [...entry.keys, ...entry.links]) wanted.add(key)
    }
    return !collections || (collections as ReadonlySet<string>).has(entry.collection)
  }
}
