/**
 * Reads behind the conversation detail view, for the server's first render (Local API) and the
 * browser's live updates and "load earlier" (REST): the same Finder-based functions.
 */
import type { Where } from 'payload'

import { idOf } from '@/projections/changes'

import type { Finder } from '@/board/finder'
import type {
  ApplicationRecord,
  ConversationLink,
  ConversationRecord,
  CustomerRecord,
  Line,
  RecordId,
} from '@/board/types'

/** Lines shown first, and read per "load earlier". A 2,000-line chat is never read in one go. */
export const LINES_PAGE = 100

const CONVERSATION_SELECT = {
  conversationId: true,
  applicationNumber: true,
  customer: true,
  application: true,
  customerName: true,
  status: true,
  startedAt: true,
  lastUtteranceAt: true,
  messageCount: true,
  finalDecision: true,
  purpose: true,
  facts: true,
} as const

const LINE_SELECT = {
  seq: true,
  username: true,
  utterance: true,
  rationale: true,
  timestamp: true,
  answerInputType: true,
  endConversation: true,
} as const

const APPLICATION_SELECT = {
  applicationNumber: true,
  loanAmount: true,
  loanFee: true,
  loanTotalPayable: true,
  loanTerm: true,
  loanPurpose: true,
  customerAttestationAcceptance: true,
  statementCaptureConsentProvided: true,
  statementCaptureCompleted: true,
  productOfferAcceptance: true,
  applicationOutcome: true,
  applicationProcess: true,
  assessments: true,
  noticeboard: true,
  updatedAt: true,
} as const

const CUSTOMER_SELECT = {
  customerId: true,
  title: true,
  preferredName: true,
  fullName: true,
  emailAddress: true,
  mobilePhoneNumber: true,
  dateOfBirth: true,
  residentialAddress: true,
  mailingAddress: true,
  staffFlag: true,
  investorFlag: true,
  founderFlag: true,
  ekycStatus: true,
  individualStatus: true,
  identityDocuments: true,
} as const

const LINK_SELECT = {
  conversationId: true,
  customerName: true,
  applicationNumber: true,
  status: true,
  startedAt: true,
} as const

type ConversationDoc = Omit<ConversationRecord, 'customer' | 'application'> & {
  customer?: unknown
  application?: unknown
}

const toConversation = (doc: ConversationDoc): ConversationRecord => ({
  ...doc,
  customer: idOf(doc.customer) ?? null,
  application: idOf(doc.application) ?? null,
})

export async function findConversation(finder: Finder, conversationId: string): Promise<ConversationRecord | null> {
  const result = await finder<ConversationDoc>('conversations', {
    where: { conversationId: { equals: conversationId } },
    limit: 1,
    select: CONVERSATION_SELECT,
  })
  return result.docs[0] ? toConversation(result.docs[0]) : null
}

export type LinePage = { lines: Line[]; hasEarlier: boolean; earlier: number }

/** Where a page of lines ends, in the read order (timestamp, then id): the earliest line shown. */
export function earliestOf(lines: Line[]): Pick<Line, 'timestamp' | 'id'> | undefined {
  const compare = (a: Pick<Line, 'timestamp' | 'id'>, b: Pick<Line, 'timestamp' | 'id'>) =>
    a.timestamp.localeCompare(b.timestamp) || Number(a.id) - Number(b.id) || String(a.id).localeCompare(String(b.id))
  return lines.reduce<Line | undefined>(
    (earliest, line) => (!earliest || compare(line, earliest) < 0 ? line : earliest),
    undefined,
  )
}

/**
 * The `LINES_PAGE` lines before `before` (the latest lines when absent), oldest first. A keyset
 * on (timestamp, id): lines sharing a timestamp are neither skipped nor read twice.
 */
export async function linesBefore(
  finder: Finder,
  conversation: RecordId,
  before?: Pick<Line, 'timestamp' | 'id'>,
): Promise<LinePage> {
  const result = await finder<Line>('utterances', {
    where: {
      and: [
        { conversation: { equals: conversation } },
        ...(before
          ? [
              {
                or: [
                  { timestamp: { less_than: before.timestamp } },
                  { and: [{ timestamp: { equals: before.timestamp } }, { id: { less_than: before.id } }] },
                ],
              },
            ]
          : []),
      ],
    },
    sort: ['-timestamp', '-id'],
    limit: LINES_PAGE,
    select: LINE_SELECT,
  })
  return {
    lines: [...result.docs].reverse(),
    hasEarlier: result.hasNextPage,
    earlier: Math.max(0, result.totalDocs - result.docs.length),
  }
}

/**
 * Lines from `since` on (inclusive, so none is missed), oldest first: the catch-up after a
 * reconnect or a poll. `complete` is false when more were missed than one read brings.
 */
export async function linesSince(
  finder: Finder,
  conversation: RecordId,
  since: string | null,
): Promise<{ lines: Line[]; complete: boolean }> {
  const result = await finder<Line>('utterances', {
    where: {
      and: [
        { conversation: { equals: conversation } },
        ...(since ? [{ timestamp: { greater_than_equal: since } }] : []),
      ],
    },
    sort: ['timestamp', 'id'],
    limit: 500,
    select: LINE_SELECT,
  })
  return { lines: result.docs, complete: !result.hasNextPage }
}

export async function findApplication(
  finder: Finder,
  conversation: Pick<ConversationRecord, 'application' | 'applicationNumber'>,
): Promise<ApplicationRecord | null> {
  const where: Where | null =
    conversation.application !== null
      ? { id: { equals: conversation.application } }
      : conversation.applicationNumber
        ? { applicationNumber: { equals: conversation.applicationNumber } }
        : null
  if (!where) return null
  const result = await finder<ApplicationRecord>('applications', { where, limit: 1, select: APPLICATION_SELECT })
  return result.docs[0] ?? null
}

export async function findCustomer(finder: Finder, id: RecordId | null): Promise<CustomerRecord | null> {
  if (id === null) return null
  const result = await finder<CustomerRecord>('customers', {
    where: { id: { equals: id } },
    limit: 1,
    select: CUSTOMER_SELECT,
  })
  return result.docs[0] ?? null
}

/** The customer's conversations, newest first (this one included). */
export async function customerConversations(finder: Finder, customer: RecordId | null): Promise<ConversationLink[]> {
  if (customer === null) return []
  const result = await finder<ConversationLink>('conversations', {
    where: { customer: { equals: customer } },
    sort: ['-startedAt'],
    limit: 10,
    select: LINK_SELECT,
  })
  return result.docs
}

/** The conversations started just before and just after this one. */
export async function neighbours(
  finder: Finder,
  conversation: ConversationRecord,
): Promise<{ previous: ConversationLink | null; next: ConversationLink | null }> {
  if (!conversation.startedAt) return { previous: null, next: null }
  const [previous, next] = await Promise.all([
    finder<ConversationLink>('conversations', {
      where: { startedAt: { less_than: conversation.startedAt } },
      sort: ['-startedAt', '-id'],
      limit: 1,
      select: LINK_SELECT,
    }),
    finder<ConversationLink>('conversations', {
      where: { startedAt: { greater_than: conversation.startedAt } },
      sort: ['startedAt', 'id'],
      limit: 1,
      select: LINK_SELECT,
    }),
  ])
  return { previous: previous.docs[0] ?? null, next: next.docs[0] ?? null }
}

export type ConversationDetail = {
  conversation: ConversationRecord
  transcript: LinePage
  application: ApplicationRecord | null
  customer: CustomerRecord | null
  customerConversations: ConversationLink[]
  previous: ConversationLink | null
  next: ConversationLink | null
}

export async function loadConversationDetail(
  finder: Finder,
  conversationId: string,
): Promise<ConversationDetail | null> {
  const conversation = await findConversation(finder, conversationId)
  if (!conversation) return null
  const [transcript, application, customer, others, around] = await Promise.all([
    linesBefore(finder, conversation.id),
    findApplication(finder, conversation),
    findCustomer(finder, conversation.customer),
    customerConversations(finder, conversation.customer),
    neighbours(finder, conversation),
  ])
  return { conversation, transcript, application, customer, customerConversations: others, ...around }
}
