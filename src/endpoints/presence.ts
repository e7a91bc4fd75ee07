import type { Endpoint, PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'
import { appRedis } from '@/lib/redis'
import { heartbeat, leave, presenceSettings, type Viewer, viewersOf } from '@/presence/presence'

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

const withConversation =
  (act: typeof heartbeat): Endpoint['handler'] =>
  async (req) => {
    const viewer = viewerOf(req)
    if (viewer instanceof Response) return viewer
    const conversationId = await conversationOf(req)
    if (conversationId instanceof Response) return conversationId
    const viewers = await act(appRedis(req.payload.logger), conversationId, viewer)
    return Response.json({ conversationId, viewers })
  }

/**
 * Presence (src/presence): `POST /api/presence/heartbeat` and `POST /api/presence/leave` with
 * `{conversationId}` from an open conversation view; `GET /api/presence?conversations=a,b` says who
 * is viewing each (the board's first read; changes arrive on /api/realtime as `presence` events).
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
  { path: '/presence/heartbeat', method: 'post', handler: withConversation(heartbeat) },
  { path: '/presence/leave', method: 'post', handler: withConversation(leave) },
]
