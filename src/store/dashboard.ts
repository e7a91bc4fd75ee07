/**
 * How the dashboard projection is stored: the supervisors' collections. Customers first, then
 * applications, then conversations (each links to the ids before it), then transcript lines.
 * Every committed change is announced on the change feed as a card-sized message.
 */
import type { Application, Conversation, Customer, Utterance as UtteranceDoc } from '@/payload-types'
import { dashboard } from '@/projections/dashboard'
import type { ApplicationState } from '@/projections/dashboard/application'
import type { ConversationState } from '@/projections/dashboard/conversation'
import type { CustomerState } from '@/projections/dashboard/customer'
import { attentionSignalsOf, SIGNAL_COLUMNS } from '@/projections/dashboard/signals'
import type { Utterance } from '@/projections/dashboard/utterance'
import { changeMessage, type ConversationDoc } from '@/projections/changes'

import type { ColumnsMatch, Link, LineStore, RecordStore, StoredProjection } from './types'

// The states' fields are the collections' columns (a failure here names the ones that are not).
true satisfies ColumnsMatch<CustomerState, Customer>
true satisfies ColumnsMatch<ApplicationState, Application, 'customerId'>
true satisfies ColumnsMatch<ConversationState, Conversation, 'customerId'>
true satisfies ColumnsMatch<Omit<Utterance, 'conversationId'>, UtteranceDoc>

const customerOfRecord = <State extends { customerId: string | null }>(): Link<State, CustomerState> => ({
  field: 'customer',
  to: 'customers',
  keyOf: (state) => state.customerId,
})

const customers: RecordStore<CustomerState> = {
  storage: 'record',
  collection: 'customers',
  keyField: 'customerId',
  announce: ({ id, operation, state, entryIds, version }) =>
    changeMessage('customers', operation, id, state, { entryIds, version }),
}

const applications: RecordStore<ApplicationState> = {
  storage: 'record',
  collection: 'applications',
  keyField: 'applicationNumber',
  omit: ['customerId'],
  links: [customerOfRecord<ApplicationState>() as Link<ApplicationState, never>],
  announce: ({ id, operation, state, entryIds, version }) =>
    changeMessage('applications', operation, id, state, { entryIds, version }),
}

const conversationLinks: Array<Link<ConversationState, never>> = [
  {
    ...customerOfRecord<ConversationState>(),
    // The customer's name, for search and cards.
    copy: {
      columns: ['customerName'],
      from: (customer: CustomerState) => ({ customerName: customer.fullName || null }),
    },
  } as Link<ConversationState, never>,
  {
    field: 'application',
    to: 'applications',
    keyOf: (state) => state.applicationNumber,
    // What the attention rules read (src/projections/dashboard/signals.ts).
    copy: {
      columns: SIGNAL_COLUMNS,
      from: (application: ApplicationState) => ({ ...attentionSignalsOf(application) }),
    },
  } as Link<ConversationState, never>,
]

const conversations: RecordStore<ConversationState> = {
  storage: 'record',
  collection: 'conversations',
  keyField: 'conversationId',
  omit: ['customerId'],
  links: conversationLinks,
  announce: ({ id, operation, state, entryIds, version, columns }) =>
    changeMessage('conversations', operation, id, { ...state, ...columns } as ConversationDoc, { entryIds, version }),
}

const utterances: LineStore<Utterance> = {
  storage: 'line',
  collection: 'utterances',
  parentField: 'conversation',
  toRow: ({ conversationId: _conversationId, ...line }) => line,
  columns: [
    'key',
    'eventId',
    'seq',
    'username',
    'utterance',
    'rationale',
    'timestamp',
    'answerInputType',
    'prevSeq',
    'endConversation',
    'additionalData',
  ] satisfies Array<keyof Omit<Utterance, 'conversationId'>>,
  announce: ({ id, line, parent, operation }) =>
    changeMessage('utterances', operation, id, { ...line, conversation: parent }, { entryIds: [line.eventId] }),
}

export const dashboardStore: StoredProjection<typeof dashboard> = {
  projection: dashboard,
  kinds: { customers, applications, conversations, utterances },
}
