import type { CollectionBeforeChangeHook } from 'payload'

import type { Conversation } from '@/payload-types'
import { lastActivityOf, msToDecisionOf } from '@/projections/dashboard/conversation'

/**
 * `lastActivityAt` and `msToDecision` are derived (the worker computes them in
 * src/projections); this keeps them right for every other write (seeds, tests, scripts) so the
 * board's order never meets a gap and analytics count every decision.
 */
export const deriveColumns: CollectionBeforeChangeHook<Conversation> = ({ data, originalDoc }) => {
  const merged = { ...originalDoc, ...data }
  return { ...data, lastActivityAt: lastActivityOf(merged), msToDecision: msToDecisionOf(merged) }
}
