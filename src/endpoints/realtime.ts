import { type Endpoint, executeAuthStrategies, type Payload, type PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'
import { isEntryId } from '@/events/entryId'
import type { User } from '@/payload-types'
import { conversationKeys, conversationLinks, feedFilter, type FilterRequest } from '@/realtime/feedFilter'
import { FEED_COLLECTIONS, type FeedCollection, isFeedCollection } from '@/projections/changes'
import { realtimeSettings } from '@/realtime/settings'
import { feedCommands, feedReader } from '@/realtime/shared'
import { sseStream } from '@/realtime/sseStream'

const refuse = (status: number, message: string) => Response.json({ message }, { status })

type Refusal = { status: 401 | 403; message: string }

/**
 * Why this user may not follow live changes, or undefined when they may: logged in, a staff
 * role, and not locked out (Payload locks an account after too many failed logins, yet its
 * existing sessions go on authenticating: the lock is checked here).
 */
async function refusalOf(payload: Payload, user: PayloadRequest['user']): Promise<Refusal | undefined> {
  if (!user) return { status: 401, message: 'Log in as a supervisor or admin to follow live changes.' }
  if (!hasRole(user, 'admin', 'supervisor'))
    return { status: 403, message: 'Live changes are for supervisors and admins only.' }
  // The adapter's read, as Payload's login reads the lock: one column, none of the Local API's passes.
  const stored = await payload.db.findOne<Pick<User, 'id' | 'lockUntil'>>({
    collection: 'users',
    where: { id: { equals: user.id } },
    select: { lockUntil: true },
  })
  if (!stored) return { status: 401, message: 'This account no longer exists.' }
  if (stored.lockUntil && new Date(stored.lockUntil).getTime() > Date.now())
    return { status: 403, message: 'This account is locked after too many failed logins: an admin can unlock it.' }
  return undefined
}

/**
 * Whether the session that opened the stream still lets its user follow: authenticated afresh
 * from the request's headers as Payload authenticates every request (the user still exists, the
 * session is current, the role is read from the record now), then checked as a new connection is.
 */
const stillAllowed = (req: PayloadRequest) => async (): Promise<boolean> => {
  const { user } = await executeAuthStrategies({ headers: req.headers, payload: req.payload })
  return (await refusalOf(req.payload, user)) === undefined
}

/**
 * The conversation a `?conversation=` client follows, as stored now (read with the user's
 * access): both its names, and the application and customer it links to. Later links arrive
 * with the conversation's changes. A conversation not stored yet is followed by the name given.
 */
async function followed(
  req: PayloadRequest,
  conversation: string,
): Promise<NonNullable<FilterRequest['conversation']>> {
  const read = { collection: 'conversations', depth: 0, overrideAccess: false, user: req.user, req } as const
  const select = { conversationId: true, application: true, applicationNumber: true, customer: true } as const
  const byKey = await req.payload.find({
    ...read,
    where: { conversationId: { equals: conversation } },
    limit: 1,
    select,
  })
  // Not a business key: perhaps a record id (an id of the wrong shape for the adapter is no match).
  const doc =
    byKey.docs[0] ??
    (await req.payload.findByID({ ...read, id: conversation, select, disableErrors: true }).catch(() => null))
  if (!doc) return { keys: conversationKeys(undefined, conversation), links: [] }
  return {
    keys: [...conversationKeys(undefined, conversation), ...conversationKeys(doc.id, doc.conversationId)],
    links: conversationLinks(doc),
  }
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: compression would hold frames back until a buffer fills.
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx and similar proxies: pass frames through as they come.
  'x-accel-buffering': 'no',
}

/**
 * `GET /api/realtime`: the change feed as Server-Sent Events, for supervisors and admins. The
 * session is checked again at every heartbeat: a user deleted, no longer staff, locked out or
 * logged out has the stream closed, and the browser's reconnect is refused.
 *
 *   ?collection=conversations[,utterances…]   only these collections
 *   ?conversation=<conversationId or record id> only that conversation, its transcript lines, and
 *                                               its application's and customer's changes
 *   Last-Event-ID header (or ?lastEventId=)    resume right after that feed entry
 *
 * Frames: `id:` feed entry id, `event:` the collection, `data:` the compact change (a
 * ChangeMessage, src/projections/changes.ts). The first frame is `ready` (or `reset` when the
 * changes since Last-Event-ID are no longer in the feed: reload, then carry on); `: ping`
 * comments keep the connection alive.
 */
export const realtime: Endpoint = {
  path: '/realtime',
  method: 'get',
  handler: async (req) => {
    // Auth first: a custom endpoint is public until it checks.
    const refusal = await refusalOf(req.payload, req.user)
    if (refusal) return refuse(refusal.status, refusal.message)

    const params = req.searchParams
    const lastEventId = req.headers.get('last-event-id')?.trim() || params.get('lastEventId')?.trim() || undefined
    if (lastEventId !== undefined && !isEntryId(lastEventId)) {
      return refuse(
        400,
        `Last-Event-ID ${JSON.stringify(lastEventId)} is not a feed entry id (<ms>-<seq>): reconnect without it`,
      )
    }
    const requested = params
      .get('collection')
      ?.split(',')
      .map((slug) => slug.trim())
      .filter(Boolean)
    const unknown = requested?.filter((slug) => !isFeedCollection(slug))
    if (unknown?.length)
      return refuse(400, `collection ${unknown.join(', ')} is not one of ${FEED_COLLECTIONS.join(', ')}`)
    const collections = requested?.length ? new Set(requested as FeedCollection[]) : undefined
    const conversation = params.get('conversation')?.trim() || undefined

    const filter = feedFilter({
      collections,
      conversation: conversation ? await followed(req, conversation) : undefined,
    })

    const log = req.payload.logger
    const reader = feedReader(log)
    const body = sseStream({
      reader,
      redis: feedCommands(log),
      stream: reader.stream,
      heartbeatMs: realtimeSettings().heartbeatMs,
      lastEventId,
      filter,
      stillAllowed: stillAllowed(req),
      signal: req.signal,
      log,
    })
    return new Response(body, { headers: SSE_HEADERS })
  },
}
