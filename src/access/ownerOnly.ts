import type { Access } from 'payload'

import { hasRole } from './roles'

/** Only the person who made a record changes or deletes it (admins included: their own only). */
export const ownerOnly: Access = ({ req: { user } }) => {
  if (!user || !hasRole(user, 'admin', 'supervisor')) return false
  return { owner: { equals: user.id } }
}
