import type { Access, Where } from 'payload'

import { hasRole } from './roles'

/** Admins change every review; a supervisor the reviews they flagged or that are assigned to them. */
export const reviewerOrAdmin: Access = ({ req: { user } }) => {
  if (!user) return false
  if (hasRole(user, 'admin')) return true
  if (!hasRole(user, 'supervisor')) return false
  const mine: Where[] = [{ flaggedBy: { equals: user.id } }, { assignee: { equals: user.id } }]
  return { or: mine }
}
