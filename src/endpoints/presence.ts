import type { Endpoint, PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'
import { appRedis } from '@/lib/redis'
import { heartbeat, leave, presenceSettings, spendHeartbeat, type Viewer, viewersOf } from '@/presence/presence'

const refuse = (status: number, message: string) => Response.json({ message }, { status })
const MAX_ID = 200
const MAX_CONVERSATIONS = 200

/** The staff member asking, as other supervisors see them; or the refusal. */
function viewerOf(req: PayloadRequest): Viewer | Response {
  const user = req.user
  if (!user) return refuse(401, 'Log in as a supervisor or admin to see who is viewing.')
  if (!hasRole(user, 'admin', 'supervisor')) return refuse(403, 'Presence is for supervisors and admins only.')
  const { firstName, lastName, email } = user as { firstName?: string; lastName?: string; email?: string }
  const name = [firstName, lastName].filter(Boolean).join(' ') || email || `User ${user.id}`
  return { id: String(user.id), name }
}

async function conversationOf(req: PayloadRequest): Promise<string | Response> {
  let body: unknown
  try {
    body = req.json ? await req.json() : undefined
  } catch {
    return refuse(400, 'The body is not JSON: send {"conversationId": "…"}.')
  }
  const conversationId = (body as { conversationId?: unknown } | undefined)?.conversationId
  if (typeof conversationId !== 'string' || !conversationId.trim() || conversationId.length > MAX_ID)
    return refuse(400, `conversationId must be a conversation id (1 to ${MAX_ID} characters).`)
  return conversationId.trim()
}

/** Whether the conversation is recorded (and readable by the user). */
async function recorded(req: PayloadRequest, conversationId: string): Promise<boolean> {
  const { totalDocs } = await req.payload.count({
    collection: 'conversations',
    where: { conversationId: { equals: conversationId } },
    overrideAccess: false,
    user: req.user,
    req,
  })
  return totalDocs > 0
}

/**
 * A heartbeat: counted against the user's allowance first (so a loop of made-up ids costs no
 * database read), then only for a recorded conversation.
 */
const beat: Endpoint['handler'] = async (req) => {
  const viewer = viewerOf(req)
  if (viewer instanceof Response) return viewer
  const conversationId = await conversationOf(req)
  if (conversationId instanceof Response) return conversationId
  const redis = appRedis(req.payload.logger)
  const settings = presenceSettings()
  const allowance = await spendHeartbeat(redis, viewer.id, settings)
  if (!allowance.allowed) {
    const seconds = Math.ceil(allowance.retryAfterMs / 1000)
    return Response.json(
      {
        message:
          `Too many presence heartbeats: one user may send ${settings.heartbeatsPerUser} every ` +
          `${settings.heartbeatMs} ms (one per open conversation view). Send the next in ${seconds} s.`,
      },
      { status: 429, headers: { 'retry-after': String(seconds) } },
    )
  }
  if (!(await recorded(req, conversationId)))
    return refuse(404, `No conversation ${conversationId} has been recorded: open a conversation from the board.`)
  const viewers = await heartbeat(redis, conversationId, viewer, settings)
  return Response.json({ conversationId, viewers })
}

/** Leaving removes only the caller: it announces something only when they were there. */
const goAway: Endpoint['handler'] = async (req) => {
  const viewer = viewerOf(req)
  if (viewer instanceof Response) return viewer
  const conversationId = await conversationOf(req)
  if (conversationId instanceof Response) return conversationId
  const viewers = await leave(appRedis(req.payload.logger), conversationId, viewer)
  return Response.json({ conversationId, viewers })
}

/**
 * Presence (src/presence): `POST /api/presence/heartbeat` and `POST /api/presence/leave` with
 * `{conversationId}` from an open conversation view (a heartbeat for a conversation not recorded
 * is a 404; beyond the user's allowance, a 429 with Retry-After); `GET
 * /api/presence?conversations=a,b` says who is viewing each (the board reads it every heartbeat
 * interval; comings and goings arrive on /api/realtime as `presence` events).
 */
export const presenceEndpoints: Endpoint[] = [
  {
    path: '/presence',
    method: 'get',
    handler: async (req) => {
      const viewer = viewerOf(req)
      if (viewer instanceof Response) return viewer
      const ids = (req.searchParams.get('conversations') ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean)
      if (ids.length > MAX_CONVERSATIONS || ids.some((id) => id.length > MAX_ID))
        return refuse(400, `conversations: at most ${MAX_CONVERSATIONS} ids of at most ${MAX_ID} characters.`)
      const settings = presenceSettings()
      return Response.json({
        viewers: await viewersOf(appRedis(req.payload.logger), ids, settings),
        heartbeatMs: settings.heartbeatMs,
      })
    },
  },
  { path: '/presence/heartbeat', method: 'post', handler: beat },
  { path: '/presence/leave', method: 'post', handler: goAway },
]
