import { APIError, type CollectionBeforeChangeHook } from 'payload'

import { hasRole } from '@/access/roles'
import type { Review } from '@/payload-types'

import { nameOf, staffMember, userIdOf } from '../../staffNames'

const forbidden = (message: string) => new APIError(message, 403, undefined, true)

/**
 * Who flagged, who is assigned, who resolved and when: set here from the logged-in user, never
 * taken from the request. One open review per conversation; only the person who flagged it
 * rewords its reason.
 */
export const stampReview: CollectionBeforeChangeHook<Review> = async ({ data, originalDoc, operation, req }) => {
  const user = req.user
  if (!user) throw forbidden('Log in to flag conversations for review.')
  const next = { ...data }

  if (operation === 'create') {
    const open = await req.payload.count({
      collection: 'reviews',
      where: { and: [{ conversationId: { equals: next.conversationId } }, { status: { equals: 'open' } }] },
      req,
    })
    if (open.totalDocs > 0) {
      throw new APIError(
        `Conversation ${next.conversationId} already has an open review: add a note to it instead.`,
        409,
        undefined,
        true,
      )
    }
    next.flaggedBy = user.id
    next.flaggedByName = nameOf(user)
    next.status = 'open'
  } else if (originalDoc) {
    // What the hook owns stays as it was.
    next.conversationId = originalDoc.conversationId
    next.flaggedBy = userIdOf(originalDoc.flaggedBy) as number
    next.flaggedByName = originalDoc.flaggedByName
    const author = String(next.flaggedBy) === String(user.id)
    if (next.reason !== undefined && next.reason !== originalDoc.reason && !author && !hasRole(user, 'admin')) {
      throw forbidden('Only the person who flagged this conversation can reword the reason; add a note instead.')
    }
  }

  const assignee = userIdOf(next.assignee)
  if (assignee === null) {
    next.assignee = null
    next.assigneeName = null
  } else if (operation === 'create' || String(assignee) !== String(userIdOf(originalDoc?.assignee))) {
    next.assigneeName = nameOf(await staffMember(req, assignee))
  } else {
    next.assigneeName = originalDoc?.assigneeName
  }

  const resolving = next.status === 'resolved' && originalDoc?.status !== 'resolved'
  if (resolving) {
    next.resolvedBy = user.id
    next.resolvedByName = nameOf(user)
    next.resolvedAt = new Date().toISOString()
  } else if (next.status === 'open') {
    next.resolvedBy = null
    next.resolvedByName = null
    next.resolvedAt = null
  } else {
    next.resolvedBy = userIdOf(originalDoc?.resolvedBy) as number
    next.resolvedByName = originalDoc?.resolvedByName
    next.resolvedAt = originalDoc?.resolvedAt
  }
  return next
}
