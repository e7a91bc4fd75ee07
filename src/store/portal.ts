/**
 * How the portal projection is stored: two flat collections, no links between them (a customer
 * is its id), nothing announced on the change feed (no live view follows them). Each record also
 * keeps, in `answer`, the portal API's answer for it as JSON text, made and checked against the
 * API's shape here, when the record is written: a request joins stored answers and checks nothing.
 */
import type { PortalApplication, PortalConversation } from '@/payload-types'
import { portal } from '@/projections/portal'
import type { PortalApplicationState } from '@/projections/portal/application'
import { applicationAnswerOf, conversationAnswerOf } from '@/projections/portal/answers'
import type { PortalConversationState } from '@/projections/portal/conversation'

import type { ColumnsMatch, RecordStore, StoredProjection } from './types'

// The states' fields are the collections' columns (a failure here names the ones that are not).
true satisfies ColumnsMatch<PortalApplicationState, PortalApplication>
true satisfies ColumnsMatch<PortalConversationState, PortalConversation>

const portalApplications: RecordStore<PortalApplicationState> = {
  storage: 'record',
  collection: 'portal-applications',
  keyField: 'applicationNumber',
  derived: (state) => ({ answer: applicationAnswerOf(state) }),
}

const portalConversations: RecordStore<PortalConversationState> = {
  storage: 'record',
  collection: 'portal-conversations',
  keyField: 'conversationId',
  derived: (state) => ({ answer: conversationAnswerOf(state) }),
}

export const portalStore: StoredProjection<typeof portal> = {
  projection: portal,
  kinds: { portalApplications, portalConversations },
}
