import type { Access, Where } from 'payload'

import { hasRole } from './roles'

/** Staff read their own saved views and those shared with everyone; anonymous callers nothing. */
export const ownOrShared: Access = ({ req: { user } }) => {
  if (!user || !hasRole(user, 'admin', 'supervisor')) return false
  const mine: Where = { owner: { equals: user.id } }
  const shared: Where = { shared: { equals: true } }
  return { or: [mine, shared] }
}
