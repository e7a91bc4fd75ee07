import type { ChatEvent, ConversationSummary, Decision, FinalDecision, UtteranceEvent } from '@/events/types'

import type { ConversationStatus } from './statuses'
import { earliest, latest, type Stamps, write } from '../registers'
import { markLine, noLines, type SeenLines } from '../seenLines'
import { conversationOf, speakerOf } from './touches'

type ConversationRegister = 'applicationNumber' | 'customerId' | 'status' | 'startedAt' | 'finalDecision' | 'summary'

/** Stored in the record's hidden `projection` field. */
export type ConversationBookkeeping = {
  stamps: Stamps<ConversationRegister>
  lines: SeenLines
}

/** A `conversations` record: the collection's fields, plus `projection`. */
export type ConversationState = {
  conversationId: string
  applicationNumber: string | null
  /** The customer's business key; the worker links the `customer` relationship from it. */
  customerId: string | null
  status: ConversationStatus
  startedAt: string | null
  lastUtteranceAt: string | null
  /** The last message's time, or the start while there is none: the Live board's order. */
  lastActivityAt: string | null
  messageCount: number
  purpose: string | null
  facts: { fact: string }[]
  finalDecision: Decision | null
  projection: ConversationBookkeeping
}

const newConversation = (conversationId: string): ConversationState => ({
  conversationId,
  applicationNumber: null,
  customerId: null,
  status: 'active',
  startedAt: null,
  lastUtteranceAt: null,
  lastActivityAt: null,
  messageCount: 0,
  purpose: null,
  facts: [],
  finalDecision: null,
  projection: { stamps: {}, lines: noLines() },
})

/** The application and customer a conversation is about: the first event naming them sets them. */
function link(state: ConversationState, event: ChatEvent): ConversationState {
  const { applicationNumber, customerId, entryId } = event
  const linked = applicationNumber ? write(state, 'applicationNumber', entryId, { applicationNumber }, 'first') : state
  return customerId ? write(linked, 'customerId', entryId, { customerId }, 'first') : linked
}

/**
 * `startedAt` is conversation_started's timestamp. Until that event is seen, a conversation
 * first known through later events starts, provisionally, at the earliest of them.
 */
function start(state: ConversationState, event: ChatEvent): ConversationState {
  if (event.type === 'conversation_started') {
    const started = write(state, 'startedAt', event.entryId, { startedAt: event.timestamp })
    return write(started, 'status', event.entryId, { status: 'active' })
  }
  if (state.projection.stamps.startedAt !== undefined) return state
  const startedAt = earliest(state.startedAt, event.timestamp)
  return startedAt === state.startedAt ? state : { ...state, startedAt }
}

function addLine(state: ConversationState, event: UtteranceEvent): ConversationState {
  const lines = markLine(state.projection.lines, speakerOf(event), event.seq, event.entryId)
  const isNew = lines !== state.projection.lines
  const lastUtteranceAt = latest(state.lastUtteranceAt, event.timestamp)
  const counted =
    !isNew && lastUtteranceAt === state.lastUtteranceAt
      ? state
      : {
          ...state,
          lastUtteranceAt,
          messageCount: state.messageCount + (isNew ? 1 : 0),
          projection: { ...state.projection, lines },
        }
  return event.data.endConversation ? write(counted, 'status', event.entryId, { status: 'soft_end' }) : counted
}

function decide(state: ConversationState, event: FinalDecision): ConversationState {
  const { decision } = event.data
  return write(write(state, 'status', event.entryId, { status: decision }), 'finalDecision', event.entryId, {
    finalDecision: decision,
  })
}

const summarise = (state: ConversationState, event: ConversationSummary): ConversationState =>
  write(state, 'summary', event.entryId, {
    purpose: event.data.purpose,
    facts: event.data.facts.map((fact) => ({ fact })),
  })

function apply(state: ConversationState, event: ChatEvent): ConversationState {
  switch (event.type) {
    case 'user_input':
    case 'assistant_response':
      return addLine(state, event)
    case 'final_decision':
      return decide(state, event)
    case 'conversation_summary':
      return summarise(state, event)
    default:
      return state
  }
}

/**
 * The board's order: the last message, or the start while there is none, so a conversation
 * that has only just started sorts with the new ones (also applied by the collection's hook).
 */
export const lastActivityOf = ({
  lastUtteranceAt,
  startedAt,
}: {
  lastUtteranceAt?: string | null
  startedAt?: string | null
}): string | null => lastUtteranceAt ?? startedAt ?? null

/**
 * The conversation after `event`; `state` itself when the event changes nothing (another
 * record's event, a repeat, or an older write already overridden). Status is last-writer-wins
 * by entry id among conversation_started (active), an utterance that ends the conversation
 * (soft_end) and final_decision (approved/declined).
 */
export function evolveConversation(
  state: ConversationState | undefined,
  event: ChatEvent,
): ConversationState | undefined {
  const conversationId = conversationOf(event)
  if (conversationId === undefined || (state && state.conversationId !== conversationId)) return state
  const next = apply(start(link(state ?? newConversation(conversationId), event), event), event)
  const lastActivityAt = lastActivityOf(next)
  return lastActivityAt === next.lastActivityAt ? next : { ...next, lastActivityAt }
}
