import type { Access } from 'payload'

import { hasRole } from './roles'

/** Admins see and change every user; anyone else only their own record. */
export const adminOrSelf: Access = ({ req: { user } }) => {
  if (!user) return false
  if (hasRole(user, 'admin')) return true
  return { id: { equals: user.id } }
}
