/**
 * The customer portal's conversation summary: what the customer said and was told, when, and
 * whether the chat is still open. No rationale, no internal notes: only what the customer saw.
 */
import type { EntryId } from '@/events/entryId'
import type { ChatEvent, Speaker, UtteranceEvent } from '@/events/types'

import type { AppliedEvents } from '../appliedEvents'
import { applyingEachEventOnce } from '../define'
import { conversationOf, speakerOf } from '../dashboard/keys'
import { positioned } from './application'
import { earliest, type Stamps, write } from '../registers'

export type PortalConversationStatus = 'active' | 'completed'

type Register = 'applicationNumber' | 'customerId' | 'startedAt' | 'status' | 'purpose' | 'lastMessage'

export type PortalConversationBookkeeping = { stamps: Stamps<Register>; applied?: AppliedEvents }

export type PortalConversationState = {
  conversationId: string
  applicationNumber: string | null
  customerId: string | null
  purpose: string | null
  status: PortalConversationStatus
  /** The latest line either side wrote (stream order), as the customer saw it. */
  lastMessage: string | null
  lastMessageFrom: Speaker | null
  lastMessageAt: string | null
  messageCount: number
  startedAt: string | null
  /** The last message's time, or the start while there is none: the order of the list. */
  lastActivityAt: string | null
  position: EntryId | null
  projection: PortalConversationBookkeeping
}

const newConversation = (conversationId: string): PortalConversationState => ({
  conversationId,
  applicationNumber: null,
  customerId: null,
  purpose: null,
  status: 'active',
  lastMessage: null,
  lastMessageFrom: null,
  lastMessageAt: null,
  messageCount: 0,
  startedAt: null,
  lastActivityAt: null,
  position: null,
  projection: { stamps: {} },
})

function link(state: PortalConversationState, event: ChatEvent): PortalConversationState {
  const { applicationNumber, customerId, entryId } = event
  const linked = applicationNumber ? write(state, 'applicationNumber', entryId, { applicationNumber }, 'first') : state
  return customerId ? write(linked, 'customerId', entryId, { customerId }, 'first') : linked
}

function start(state: PortalConversationState, event: ChatEvent): PortalConversationState {
  if (event.type === 'conversation_started') {
    const started = write(state, 'startedAt', event.entryId, { startedAt: event.timestamp })
    return write(started, 'status', event.entryId, { status: 'active' })
  }
  if (state.projection.stamps.startedAt !== undefined) return state
  return { ...state, startedAt: earliest(state.startedAt, event.timestamp) }
}

function addLine(state: PortalConversationState, event: UtteranceEvent): PortalConversationState {
  const said = write({ ...state, messageCount: state.messageCount + 1 }, 'lastMessage', event.entryId, {
    lastMessage: event.data.utterance,
    lastMessageFrom: speakerOf(event),
    lastMessageAt: event.timestamp,
  })
  return event.data.endConversation ? write(said, 'status', event.entryId, { status: 'completed' }) : said
}

function apply(state: PortalConversationState, event: ChatEvent): PortalConversationState {
  switch (event.type) {
    case 'user_input':
    case 'assistant_response':
      return addLine(state, event)
    case 'final_decision':
      return write(state, 'status', event.entryId, { status: 'completed' })
    case 'conversation_summary':
      return write(state, 'purpose', event.entryId, { purpose: event.data.purpose })
    default:
      return state
  }
}

export const evolvePortalConversation = applyingEachEventOnce<PortalConversationState>(
  (state, event) => {
    const conversationId = conversationOf(event)
    if (conversationId === undefined || (state && state.conversationId !== conversationId)) return state
    const next = apply(start(link(state ?? newConversation(conversationId), event), event), event)
    return positioned({ ...next, lastActivityAt: next.lastMessageAt ?? next.startedAt })
  },
  {
    counts: (event, state) =>
      conversationOf(event) !== undefined && (!state || state.conversationId === event.conversationId),
    restamped: positioned,
  },
)
