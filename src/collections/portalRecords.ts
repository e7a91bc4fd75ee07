import type { CollectionConfig } from 'payload'

import { isAdmin } from '@/access/isAdmin'
import { projectedOnly } from '@/access/projectedOnly'

/**
 * The customer portal's read model: written only by the worker (projection `portal`), read by
 * the portal API (/api/customer/…, which answers customers) and, for support, by admins in the
 * admin panel. Supervisors and the REST API's anonymous callers read nothing here.
 */
export const portalAccess: CollectionConfig['access'] = {
  read: isAdmin,
  create: projectedOnly,
  update: projectedOnly,
  delete: projectedOnly,
}

export const PORTAL_GROUP = 'Customer portal (read model)'
