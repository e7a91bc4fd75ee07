/**
 * The customer portal's read model: one flat record per application and per conversation,
 * made for fast lookups by customer id. It reads only events, never the dashboard's records, so
 * it can be rebuilt alone; src/store/portal.ts says how it is stored.
 */
import { defineProjection } from '../define'
import { conversationOf } from '../dashboard/keys'
import { evolvePortalApplication, portalApplicationOf } from './application'
import { evolvePortalConversation } from './conversation'

export const portal = defineProjection({
  name: 'portal',
  // 2: each record keeps the API's answer for it (`answer`, made when the record is written).
  version: 2,
  group: 'payload-portal',
  kinds: {
    portalApplications: { storage: 'record', keyOf: portalApplicationOf, evolve: evolvePortalApplication },
    portalConversations: { storage: 'record', keyOf: conversationOf, evolve: evolvePortalConversation },
  },
})

export type Portal = typeof portal
