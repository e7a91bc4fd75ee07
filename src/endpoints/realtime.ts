import type { Endpoint } from 'payload'

import { hasRole } from '@/access/roles'
import { isEntryId } from '@/events/entryId'
import type { FeedEntry } from '@/realtime/changeFeed'
import { FEED_COLLECTIONS, type FeedCollection, isFeedCollection } from '@/realtime/messages'
import { realtimeSettings } from '@/realtime/settings'
import { feedCommands, feedReader } from '@/realtime/shared'
import { sseStream } from '@/realtime/sseStream'

const refuse = (status: number, message: string) => Response.json({ message }, { status })

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: compression would hold frames back until a buffer fills.
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx and similar proxies: pass frames through as they come.
  'x-accel-buffering': 'no',
}

/**
 * `GET /api/realtime`: the change feed as Server-Sent Events, for supervisors and admins.
 *
 *   ?collection=conversations[,utterances…]   only these collections
 *   ?conversation=<conversationId or record id> only that conversation and its transcript lines
 *   Last-Event-ID header (or ?lastEventId=)    resume right after that feed entry
 *
 * Frames: `id:` feed entry id, `event:` the collection, `data:` the compact change (messages.ts).
 * The first frame is `ready` (or `reset` when the changes since Last-Event-ID are no longer in
 * the feed: reload, then carry on); `: ping` comments keep the connection alive.
 */
export const realtime: Endpoint = {
  path: '/realtime',
  method: 'get',
  handler: (req) => {
    // Auth first: a custom endpoint is public until it checks.
    if (!req.user) return refuse(401, 'Log in as a supervisor or admin to follow live changes.')
    if (!hasRole(req.user, 'admin', 'supervisor')) return refuse(403, 'Live changes are for supervisors and admins only.')

    const params = req.searchParams
    const lastEventId = req.headers.get('last-event-id')?.trim() || params.get('lastEventId')?.trim() || undefined
    if (lastEventId !== undefined && !isEntryId(lastEventId)) {
      return refuse(400, `Last-Event-ID ${JSON.stringify(lastEventId)} is not a feed entry id (<ms>-<seq>): reconnect without it`)
    }
    const requested = params.get('collection')?.split(',').map((slug) => slug.trim()).filter(Boolean)
    const unknown = requested?.filter((slug) => !isFeedCollection(slug))
    if (unknown?.length) return refuse(400, `collection ${unknown.join(', ')} is not one of ${FEED_COLLECTIONS.join(', ')}`)
    const collections = requested?.length ? new Set(requested as FeedCollection[]) : undefined
    const conversation = params.get('conversation')?.trim() || undefined

    const filter = (entry: FeedEntry) =>
      (!collections || collections.has(entry.collection)) && (!conversation || entry.conversation.includes(conversation))

    const log = req.payload.logger
    const reader = feedReader(log)
    const body = sseStream({
      reader,
      redis: feedCommands(log),
      stream: reader.stream,
      heartbeatMs: realtimeSettings().heartbeatMs,
      lastEventId,
      filter,
      signal: req.signal,
      log,
    })
    return new Response(body, { headers: SSE_HEADERS })
  },
}
