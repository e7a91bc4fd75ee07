import type { CollectionConfig, Field } from 'payload'

import { isStaff } from '@/access/isStaff'
import { projectedOnly } from '@/access/projectedOnly'

/** Read by staff; written only by the worker (and rebuilds). The admin UI shows them read-only. */
export const projectedAccess: CollectionConfig['access'] = {
  read: isStaff,
  create: projectedOnly,
  update: projectedOnly,
  delete: projectedOnly,
}

/**
 * Every projected record carries the worker's bookkeeping: `version` for conditional
 * (optimistic) writes, and `projection`, the small state that makes re-applying or
 * reordering events harmless (see src/projections).
 */
export const projectionFields: Field[] = [
  {
    name: 'version',
    type: 'number',
    defaultValue: 0,
    admin: { readOnly: true, position: 'sidebar', description: 'Incremented on every projected write.' },
  },
  // The worker's bookkeeping stays inside: the worker reads it through the database adapter, and
  // no REST, GraphQL or Local API response (nor the admin) ever shows it.
  { name: 'projection', type: 'json', hidden: true },
]

export const SUPERVISOR_GROUP = 'Supervisor Dashboard'
