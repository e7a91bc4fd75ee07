/**
 * Conversation cards: the query behind the Live Conversations list and the reads that complete
 * a page of cards (the last line of each, the application's risk markers). Shared by the server
 * view (Local API) and the browser (REST) through a Finder.
 */
import type { Where } from 'payload'

import { ATTENTION_SELECT, type AttentionThresholds, attentionWhere } from '@/attention/rules'
import { isConversationStatus } from '@/projections/dashboard/statuses'
import { type ConversationCard, type ConversationDoc, idOf } from '@/projections/changes'

import { type Assessments, riskMarkers } from './assessments'
import type { Finder } from './finder'
import { isReviewFilter, reviewedConversations, type ReviewFilter } from './reviewFilter'
import type { Card, CardLine, CardPage, Cursor, Line, ListFilters, Marker, RecordId } from './types'

export const PAGE_SIZE = 24

/**
 * Most recent activity first; the conversation id (unique, and comparable in every adapter)
 * breaks ties. Pages follow a cursor on these two, not an offset: a conversation that moves to
 * the top or arrives while the reader scrolls neither shifts a card into the next page twice
 * nor pushes one out of it unseen.
 */
export const CARD_SORT = ['-lastActivityAt', '-conversationId']

export const CARD_SELECT = {
  ...ATTENTION_SELECT,
  conversationId: true,
  applicationNumber: true,
  customerName: true,
  customer: true,
  application: true,
  status: true,
  startedAt: true,
  lastUtteranceAt: true,
  lastActivityAt: true,
  messageCount: true,
  finalDecision: true,
  version: true,
} as const

const LINE_SELECT = { conversation: true, seq: true, username: true, utterance: true, timestamp: true } as const

export const sameId = (a: RecordId | null | undefined, b: RecordId | null | undefined): boolean =>
  a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b)

type Params = Record<string, string | string[] | undefined> | URLSearchParams | undefined

export function filtersFromParams(params: Params): ListFilters {
  const first = (name: string) => {
    const value = params instanceof URLSearchParams ? params.get(name) : params?.[name]
    return (Array.isArray(value) ? value[0] : value) ?? undefined
  }
  const status = first('status')
  return {
    search: (first('q') ?? '').slice(0, 100),
    status: isConversationStatus(status) ? status : null,
    attention: first('attention') === '1',
    review: isReviewFilter(first('review')) ? (first('review') as ReviewFilter) : null,
  }
}

/** The filters as a query string (no `?`), in one order, so equal filters give equal links. */
export function filtersToParams(filters: ListFilters): URLSearchParams {
  const params = new URLSearchParams()
  if (filters.search.trim()) params.set('q', filters.search.trim())
  if (filters.status) params.set('status', filters.status)
  if (filters.attention) params.set('attention', '1')
  if (filters.review) params.set('review', filters.review)
  return params
}

export const isFiltered = (filters: ListFilters): boolean => filtersToParams(filters).size > 0

/** How the "needs attention" filter judges: the thresholds, and the clock of the query. */
export type AttentionJudge = { thresholds: AttentionThresholds; now: () => number }

/**
 * Search is server-side, on the indexed card fields: `like` matches every word, in any order,
 * case-insensitively ("smith jo" finds "Jo Smith"); application numbers and conversation ids too.
 * "Needs attention" is the rules' query at the judge's clock (src/attention/rules.ts).
 */
export function conversationsWhere(
  { search, status, attention, review }: ListFilters,
  judge?: AttentionJudge,
  reviewed?: string[],
): Where | undefined {
  const clauses: Where[] = []
  const words = search.trim()
  if (words) {
    clauses.push({
      or: [
        { customerName: { like: words } },
        { applicationNumber: { like: words } },
        { conversationId: { like: words } },
      ],
    })
  }
  if (status) clauses.push({ status: { equals: status } })
  if (attention) {
    if (!judge) throw new Error('The "needs attention" filter needs the thresholds and a clock (an AttentionJudge).')
    clauses.push(attentionWhere(judge.now(), judge.thresholds))
  }
  if (review && isReviewFilter(review)) {
    if (!reviewed) throw new Error('The review filter needs the conversations it admits (reviewedConversations).')
    // No such review: a condition no record meets (every record has an id).
    clauses.push(reviewed.length > 0 ? { conversationId: { in: reviewed } } : { id: { exists: false } })
  }
  if (clauses.length === 0) return undefined
  return clauses.length === 1 ? clauses[0] : { and: clauses }
}

type CardDoc = ConversationDoc & { id: RecordId }

export const toCard = (doc: CardDoc, previous?: Card): Card => ({
  id: doc.id,
  conversationId: doc.conversationId,
  applicationNumber: doc.applicationNumber ?? null,
  customerName: doc.customerName ?? null,
  customer: idOf(doc.customer) ?? null,
  application: idOf(doc.application) ?? null,
  status: doc.status ?? 'active',
  startedAt: doc.startedAt ?? null,
  lastUtteranceAt: doc.lastUtteranceAt ?? null,
  lastActivityAt: doc.lastActivityAt ?? null,
  messageCount: doc.messageCount ?? 0,
  finalDecision: doc.finalDecision ?? null,
  version: doc.version ?? null,
  lastLine: previous?.lastLine ?? null,
  markers: previous?.markers ?? [],
  waitingOn: doc.waitingOn ?? null,
  questionRepeats: doc.questionRepeats ?? null,
  identityRiskScore: doc.identityRiskScore ?? null,
  identityRiskBand: doc.identityRiskBand ?? null,
  fraudResult: doc.fraudResult ?? null,
  serviceable: doc.serviceable ?? null,
  currentStep: doc.currentStep ?? null,
  stepSince: doc.stepSince ?? null,
})

/** Whether a change (or a re-read) at `version` is older than what the card shows. */
export const isStale = (card: Card, version: number | null | undefined): boolean =>
  typeof version === 'number' && card.version !== null && version < card.version

/** Replaces the shown value with any value the message carries, null included. */
const carried = (value: unknown) => value !== undefined
/** Replaces the shown value only with a known one: a writer that does not know it may send null. */
const known = (value: unknown) => value !== undefined && value !== null && value !== ''

/** The card fields a conversation change message patches (its id says which card; the customer's key is not shown). */
type PatchedField = Exclude<keyof ConversationCard, 'id' | 'customerId'>

/**
 * How a conversation change message patches what a view shows (a board card, the detail view's
 * record): each field the message carries, by its rule; absent fields stay as they were. Links,
 * the customer's name and the start never go back from known to unknown.
 */
const PATCH_RULES: Record<PatchedField, (value: unknown) => boolean> = {
  conversationId: known,
  applicationNumber: carried,
  customerName: known,
  customer: known,
  application: known,
  status: isConversationStatus,
  startedAt: known,
  lastUtteranceAt: known,
  lastActivityAt: known,
  messageCount: (value) => typeof value === 'number',
  finalDecision: (value) => value === null || value === 'approved' || value === 'declined',
  purpose: carried,
  // What the attention rules read: each as its writer knows it (a signal can go back to unknown).
  waitingOn: carried,
  questionRepeats: carried,
  identityRiskScore: carried,
  identityRiskBand: carried,
  fraudResult: carried,
  serviceable: carried,
  currentStep: carried,
  stepSince: carried,
}
const PATCHED = Object.keys(PATCH_RULES) as PatchedField[]
const LINKS: ReadonlySet<PatchedField> = new Set(['customer', 'application'])

export function patchConversation<T extends object>(shown: T, doc: Partial<ConversationCard>): T {
  const next = { ...shown } as Record<string, unknown>
  for (const field of PATCHED) {
    if (!(field in doc) || !PATCH_RULES[field](doc[field])) continue
    next[field] = LINKS.has(field) ? idOf(doc[field]) : doc[field]
  }
  return next as T
}

/**
 * A change message applied to a card. A change older than the card (two workers publishing out
 * of commit order) changes nothing.
 */
export function patchCard(card: Card, doc: Partial<ConversationCard>, version?: number): Card {
  if (isStale(card, version)) return card
  const next = patchConversation(card, doc)
  return typeof version === 'number' ? { ...next, version } : next
}

/**
 * Whether line `a` came after line `b`: by timestamp, and by the chat's sequence number when two
 * lines share a millisecond (a customer's message and Billie's answer often do).
 */
const later = (a: CardLine, b: CardLine): boolean => {
  const at = Date.parse(a.timestamp) - Date.parse(b.timestamp)
  if (Number.isNaN(at)) return true
  return at !== 0 ? at > 0 : (a.seq ?? 0) >= (b.seq ?? 0)
}

/** A newer line replaces the card's snippet; an older one (a late delivery) does not. */
export function withLine(card: Card, line: CardLine): Card {
  if (card.lastLine && !later(line, card.lastLine)) return card
  return {
    ...card,
    lastLine: {
      seq: line.seq ?? null,
      username: line.username,
      utterance: line.utterance ?? null,
      timestamp: line.timestamp,
    },
  }
}

/** The last line of each card: the utterance stamped with the conversation's lastUtteranceAt. */
async function lastLines(finder: Finder, cards: Card[]): Promise<Map<string, Card['lastLine']>> {
  const wanted = cards.filter((card) => card.lastUtteranceAt)
  if (wanted.length === 0) return new Map()
  const result = await finder<{
    conversation: unknown
    seq?: number | null
    username: Line['username']
    utterance?: string | null
    timestamp: string
  }>('utterances', {
    where: {
      or: wanted.map((card): Where => ({
        and: [{ conversation: { equals: card.id } }, { timestamp: { equals: card.lastUtteranceAt } }],
      })),
    },
    // Lines sharing the last millisecond come too (seldom more than two): the newest is chosen below.
    limit: wanted.length * 4,
    select: LINE_SELECT,
  })
  const lines = new Map<string, Card['lastLine']>()
  for (const doc of result.docs) {
    const conversation = String(idOf(doc.conversation) ?? '')
    const line = {
      seq: doc.seq ?? null,
      username: doc.username,
      utterance: doc.utterance ?? null,
      timestamp: doc.timestamp,
    }
    const seen = lines.get(conversation)
    if (!seen || later(line, seen)) lines.set(conversation, line)
  }
  return lines
}

/** Risk markers per application id. */
export async function applicationMarkers(finder: Finder, ids: RecordId[]): Promise<Map<string, Marker[]>> {
  const unique = [...new Set(ids.map(String))]
  if (unique.length === 0) return new Map()
  const result = await finder<{ id: RecordId; assessments?: Assessments }>('applications', {
    where: { id: { in: unique } },
    limit: unique.length,
    select: { assessments: true },
  })
  return new Map(result.docs.map((doc) => [String(doc.id), riskMarkers(doc.assessments)]))
}

/** Adds each card's last line and risk markers (two reads for the whole page). */
export async function completeCards(finder: Finder, cards: Card[]): Promise<Card[]> {
  const [lines, markers] = await Promise.all([
    lastLines(finder, cards),
    applicationMarkers(
      finder,
      cards.flatMap((card) => (card.application === null ? [] : [card.application])),
    ),
  ])
  return cards.map((card) => ({
    ...card,
    lastLine: lines.get(String(card.id)) ?? card.lastLine,
    markers: (card.application !== null && markers.get(String(card.application))) || card.markers,
  }))
}

/** The cards after `cursor` in CARD_SORT order (rows without an activity time sort last). */
export function afterCursor({ lastActivityAt, conversationId }: Cursor): Where {
  const sameTime: Where =
    lastActivityAt === null ? { lastActivityAt: { exists: false } } : { lastActivityAt: { equals: lastActivityAt } }
  const tied: Where = { and: [sameTime, { conversationId: { less_than: conversationId } }] }
  return lastActivityAt === null
    ? tied
    : { or: [{ lastActivityAt: { less_than: lastActivityAt } }, tied, { lastActivityAt: { exists: false } }] }
}

const cursorOf = (card: Card): Cursor => ({ lastActivityAt: card.lastActivityAt, conversationId: card.conversationId })

/** Which page of cards to read, and how to judge the filters that need more than the filters. */
export type CardQuery = {
  /** The page after this cursor; the first page when absent. */
  after?: Cursor | null
  /** Narrows further (the live view reads arrivals by id). */
  where?: Where
  /** The "needs attention" filter's thresholds and clock. */
  judge?: AttentionJudge
  /** Whose "assigned to me" the review filter means. */
  userId?: number | string
}

/**
 * A page of cards for `filters`: the first, or the one after `after`. `totalDocs` counts what is
 * left from the cursor on, so it is the list's total on the first page. The review filter reads
 * the reviews it admits first, as `userId` ("assigned to me").
 */
export async function loadCards(
  finder: Finder,
  filters: ListFilters,
  { after, where: narrower, judge, userId }: CardQuery = {},
): Promise<CardPage> {
  const reviewed = isReviewFilter(filters.review)
    ? await reviewedConversations(finder, filters.review, userId ?? '')
    : undefined
  const clauses = [
    conversationsWhere(filters, judge, reviewed),
    after ? afterCursor(after) : undefined,
    narrower,
  ].filter((clause): clause is Where => clause !== undefined)
  const where = clauses.length > 1 ? { and: clauses } : clauses[0]
  const result = await finder<CardDoc>('conversations', {
    where,
    sort: CARD_SORT,
    limit: PAGE_SIZE,
    select: CARD_SELECT,
  })
  const cards = await completeCards(
    finder,
    result.docs.map((doc) => toCard(doc)),
  )
  const last = cards[cards.length - 1]
  return { cards, next: result.hasNextPage && last ? cursorOf(last) : null, totalDocs: result.totalDocs }
}

/** How many conversations need attention now (server-side: a count, no documents read). */
export async function countAttention(finder: Finder, judge: AttentionJudge): Promise<number> {
  const result = await finder('conversations', {
    where: attentionWhere(judge.now(), judge.thresholds),
    limit: 1,
    select: { conversationId: true },
  })
  return result.totalDocs
}
