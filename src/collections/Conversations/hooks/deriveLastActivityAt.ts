import type { CollectionBeforeChangeHook } from 'payload'

import type { Conversation } from '@/payload-types'
import { lastActivityOf } from '@/projections/dashboard/conversation'

/**
 * `lastActivityAt` is derived (the worker computes it in src/projections); this keeps it right
 * for every other write (seeds, tests, scripts) so the board's order never meets a gap.
 */
export const deriveLastActivityAt: CollectionBeforeChangeHook<Conversation> = ({ data, originalDoc }) => ({
  ...data,
  lastActivityAt: lastActivityOf({ ...originalDoc, ...data }),
})
