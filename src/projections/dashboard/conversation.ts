import type { AppliedEvents } from '@/projections/appliedEvents'
import type { ChatEvent, ConversationSummary, Decision, FinalDecision, Speaker, UtteranceEvent } from '@/events/types'

import { applyingEachEventOnce } from '../define'
import { earliest, latest, type Stamps, withKey, write } from '../registers'
import { questionFingerprint } from './questions'
import type { ConversationStatus } from './statuses'
import { conversationOf, speakerOf } from './keys'

type ConversationRegister = 'applicationNumber' | 'customerId' | 'status' | 'startedAt' | 'finalDecision' | 'summary'

/** Stored in the record's hidden `projection` field. */
export type ConversationBookkeeping = {
  stamps: Stamps<ConversationRegister>
  applied?: AppliedEvents
  /** How often the assistant has asked each question, by fingerprint (see questions.ts). */
  questions?: Record<string, number>
  /** The line with the highest seq so far: who spoke last, by the producer's own order. */
  lastSpoke?: { seq: number; speaker: Speaker }
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
  /** When the final decision was made (its event's timestamp): analytics' time to decision. */
  decidedAt: string | null
  /**
   * Milliseconds from the start to the final decision, while both are known: analytics' median.
   * A whole number, so it is stored exactly (SQLite's numeric columns can round a fraction's last digit).
   */
  msToDecision: number | null
  /** Who is to speak next: the other side spoke last (by seq, the producer's order). */
  waitingOn: Speaker | null
  /** How often the assistant has asked its most repeated question. */
  questionRepeats: number
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
  decidedAt: null,
  msToDecision: null,
  waitingOn: null,
  questionRepeats: 0,
  projection: { stamps: {} },
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

/** Counts one more asking of the question, when the assistant's line is one. */
function countQuestion(state: ConversationState, event: UtteranceEvent): ConversationState {
  const fingerprint = event.type === 'assistant_response' ? questionFingerprint(event.data.utterance) : undefined
  if (fingerprint === undefined) return state
  const asked = state.projection.questions ?? {}
  const questions = withKey(asked, fingerprint, (asked[fingerprint] ?? 0) + 1)
  return {
    ...state,
    questionRepeats: Math.max(state.questionRepeats, questions[fingerprint]!),
    projection: { ...state.projection, questions },
  }
}

/**
 * Who spoke last, by seq: a producer's retry has the seq of its original, so the answer is the
 * same whichever copy is seen first. On a shared seq the assistant counts as later (it answers);
 * a line without a seq cannot be placed and leaves the answer alone.
 */
function spoke(state: ConversationState, event: UtteranceEvent): ConversationState {
  const { seq } = event
  const speaker = speakerOf(event)
  const last = state.projection.lastSpoke
  if (seq === undefined) return state
  if (last && (last.seq > seq || (last.seq === seq && (last.speaker === 'assistant' || speaker === 'customer')))) {
    return state
  }
  return {
    ...state,
    waitingOn: speaker === 'customer' ? 'assistant' : 'customer',
    projection: { ...state.projection, lastSpoke: { seq, speaker } },
  }
}

/** A new line (once-wrapped: never a line already counted). */
function addLine(state: ConversationState, event: UtteranceEvent): ConversationState {
  const counted: ConversationState = {
    ...state,
    lastUtteranceAt: latest(state.lastUtteranceAt, event.timestamp),
    messageCount: state.messageCount + 1,
  }
  const said = spoke(countQuestion(counted, event), event)
  return event.data.endConversation ? write(said, 'status', event.entryId, { status: 'soft_end' }) : said
}

function decide(state: ConversationState, event: FinalDecision): ConversationState {
  const { decision } = event.data
  const decided = write(state, 'status', event.entryId, { status: decision })
  return write(decided, 'finalDecision', event.entryId, { finalDecision: decision, decidedAt: event.timestamp })
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

/** Milliseconds from the start to the final decision, when both are known (also applied by the collection's hook). */
export const msToDecisionOf = ({
  startedAt,
  decidedAt,
}: {
  startedAt?: string | null
  decidedAt?: string | null
}): number | null => (startedAt && decidedAt ? Date.parse(decidedAt) - Date.parse(startedAt) : null)

/** The columns derived from others, kept as the state changes. */
function derive(state: ConversationState): ConversationState {
  const lastActivityAt = lastActivityOf(state)
  const msToDecision = msToDecisionOf(state)
  return lastActivityAt === state.lastActivityAt && msToDecision === state.msToDecision
    ? state
    : { ...state, lastActivityAt, msToDecision }
}

/**
 * The conversation after `event`; `state` itself when the event changes nothing (another
 * record's event, a repeat, a retry, or an older write already overridden). Status is
 * last-writer-wins by entry id among conversation_started (active), an utterance that ends the
 * conversation (soft_end) and final_decision (approved/declined).
 */
export const evolveConversation = applyingEachEventOnce<ConversationState>(
  (state, event) => {
    const conversationId = conversationOf(event)
    if (conversationId === undefined || (state && state.conversationId !== conversationId)) return state
    return derive(apply(start(link(state ?? newConversation(conversationId), event), event), event))
  },
  {
    counts: (event, state) =>
      conversationOf(event) !== undefined && (!state || state.conversationId === event.conversationId),
  },
)
