import type { CollectionConfig, Field } from 'payload'

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

/**
 * The portal API's answer for the record, as JSON text, exactly as a customer gets it: made and
 * checked against the API's shape when the worker writes the record (src/store/portal.ts), so a
 * request only joins stored answers. Empty on records written before the portal projection's
 * version 2 until `pnpm projections rebuild portal`; the API makes those from the stored state.
 */
export const answerField: Field = {
  name: 'answer',
  type: 'code',
  admin: { language: 'json', description: 'What the portal API answers for this record, as the customer gets it.' },
}
