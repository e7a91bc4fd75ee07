/**
 * How the portal projection is stored: two flat collections, no links between them (a customer
 * is its id), nothing announced on the change feed (no live view follows them).
 */
import type { PortalApplication, PortalConversation } from '@/payload-types'
import { portal } from '@/projections/portal'
import type { PortalApplicationState } from '@/projections/portal/application'
import type { PortalConversationState } from '@/projections/portal/conversation'

import type { ColumnsMatch, RecordStore, StoredProjection } from './types'

// The states' fields are the collections' columns (a failure here names the ones that are not).
true satisfies ColumnsMatch<PortalApplicationState, PortalApplication>
true satisfies ColumnsMatch<PortalConversationState, PortalConversation>

const portalApplications: RecordStore<PortalApplicationState> = {
  storage: 'record',
  collection: 'portal-applications',
  keyField: 'applicationNumber',
}

const portalConversations: RecordStore<PortalConversationState> = {
  storage: 'record',
  collection: 'portal-conversations',
  keyField: 'conversationId',
}

export const portalStore: StoredProjection<typeof portal> = {
  projection: portal,
  kinds: { portalApplications, portalConversations },
}
