import type { AttentionSubject } from '@/attention/rules'
import type { ConversationStatus } from '@/projections/dashboard/statuses'
import type { Application, Conversation, Customer, Utterance } from '@/payload-types'

import type { ReviewFilter } from './reviewFilter'

export type RecordId = number | string
export type Speaker = Utterance['username']

/** How worrying a figure is: drives the colour of pills and markers. */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral'

/** A small coloured label on a card (risk, decision). */
export type Marker = { key: string; label: string; tone: Tone; title?: string }

/** A transcript line, as the detail view and the card snippet need it. */
export type Line = Pick<
  Utterance,
  'seq' | 'username' | 'utterance' | 'rationale' | 'timestamp' | 'answerInputType' | 'endConversation'
> & { id: RecordId }

/** The line a card shows under its title. */
export type CardLine = Pick<Line, 'seq' | 'username' | 'utterance' | 'timestamp'>

/**
 * What a conversation card shows; kept flat so change messages patch it field by field. With the
 * attention signals the projection stored, so the card can say why it needs attention.
 */
export type Card = {
  id: RecordId
  conversationId: string
  applicationNumber: string | null
  customerName: string | null
  customer: RecordId | null
  application: RecordId | null
  status: ConversationStatus
  startedAt: string | null
  lastUtteranceAt: string | null
  /** The list's order (and its cursor): the last message, or the start while there is none. */
  lastActivityAt: string | null
  messageCount: number
  finalDecision: 'approved' | 'declined' | null
  /** The record's version as read or last patched: an older change message is dropped. */
  version: number | null
  lastLine: CardLine | null
  markers: Marker[]
} & Omit<AttentionSubject, 'status' | 'lastActivityAt' | 'finalDecision'>

/** Where the next page starts: just after this card in the list's order (keyset pagination). */
export type Cursor = { lastActivityAt: string | null; conversationId: string }

/** One page of cards; `next` is the cursor of the page after it, null on the last page. */
export type CardPage = { cards: Card[]; next: Cursor | null; totalDocs: number }

/**
 * The board's filters, as the URL carries them (`?q=&status=&attention=1&review=`). `review` is
 * which open reviews the conversations shown must have (shared/reviewFilter.ts).
 */
export type ListFilters = {
  search: string
  status: ConversationStatus | null
  attention?: boolean
  review?: ReviewFilter | null
}

/** The conversation record as the detail view reads it. */
export type ConversationRecord = Pick<
  Conversation,
  | 'id'
  | 'conversationId'
  | 'applicationNumber'
  | 'customerName'
  | 'status'
  | 'startedAt'
  | 'lastUtteranceAt'
  | 'messageCount'
  | 'finalDecision'
  | 'purpose'
  | 'facts'
> & { customer: RecordId | null; application: RecordId | null }

export type ApplicationRecord = Pick<
  Application,
  | 'id'
  | 'applicationNumber'
  | 'loanAmount'
  | 'loanFee'
  | 'loanTotalPayable'
  | 'loanTerm'
  | 'loanPurpose'
  | 'customerAttestationAcceptance'
  | 'statementCaptureConsentProvided'
  | 'statementCaptureCompleted'
  | 'productOfferAcceptance'
  | 'applicationOutcome'
  | 'applicationProcess'
  | 'assessments'
  | 'noticeboard'
  | 'updatedAt'
>

export type CustomerRecord = Pick<
  Customer,
  | 'id'
  | 'customerId'
  | 'title'
  | 'preferredName'
  | 'fullName'
  | 'emailAddress'
  | 'mobilePhoneNumber'
  | 'dateOfBirth'
  | 'residentialAddress'
  | 'mailingAddress'
  | 'staffFlag'
  | 'investorFlag'
  | 'founderFlag'
  | 'ekycStatus'
  | 'individualStatus'
  | 'identityDocuments'
>

/** A neighbouring or related conversation, for links. */
export type ConversationLink = Pick<
  Conversation,
  'id' | 'conversationId' | 'customerName' | 'applicationNumber' | 'status' | 'startedAt'
>
