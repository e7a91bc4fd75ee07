import type { Access } from 'payload'

import { hasRole } from './roles'

/** Only the staff member who wrote a record changes it: nobody, admins included, edits another's words. */
export const authorOnly: Access = ({ req: { user } }) => {
  if (!user || !hasRole(user, 'admin', 'supervisor')) return false
  return { author: { equals: user.id } }
}
