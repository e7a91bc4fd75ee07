/**
 * What the exports read, always as the requesting user (`overrideAccess: false`): one
 * conversation with everything about it, and the board's conversations page by page.
 */
import type { PayloadRequest, Where } from 'payload'

import { attentionThresholds } from '@/attention/settings'
import { afterCursor, CARD_SORT, conversationsWhere, filtersFromParams } from '@/board/cards'
import { localFinder } from '@/board/localFinder'
import { reviewedConversations } from '@/board/reviewFilter'
import type { Application, Conversation, Customer, Note, Review, Utterance } from '@/payload-types'

import { CSV_COLUMNS, csvHeader, csvRow } from './csv'

type TranscriptLine = Pick<
  Utterance,
  | 'seq'
  | 'username'
  | 'utterance'
  | 'rationale'
  | 'timestamp'
  | 'answerInputType'
  | 'endConversation'
  | 'additionalData'
>

export type ConversationExport = {
  exportedAt: string
  conversation: Omit<Conversation, 'utterances' | 'projection'>
  application: Omit<Application, 'projection'> | null
  customer: Omit<Customer, 'projection'> | null
  transcript: TranscriptLine[]
  reviews: Review[]
  notes: Note[]
}

/** Transcript lines are read this many at a time (a long chat is never one query). */
const LINES_PAGE = 500

const asUser = (req: PayloadRequest) => ({ depth: 0, overrideAccess: false, user: req.user, req }) as const

const idOf = (value: unknown) =>
  value === null || value === undefined ? null : typeof value === 'object' ? (value as { id: number }).id : value

/** The conversation `conversationId` and everything about it; null when there is no such conversation. */
export async function conversationExport(
  req: PayloadRequest,
  conversationId: string,
): Promise<ConversationExport | null> {
  const found = await req.payload.find({
    collection: 'conversations',
    where: { conversationId: { equals: conversationId } },
    limit: 1,
    joins: false,
    ...asUser(req),
  })
  const conversation = found.docs[0]
  if (!conversation) return null
  const { utterances: _joined, ...record } = conversation as Conversation

  const transcript: TranscriptLine[] = []
  for (let page = 1; ; page += 1) {
    const lines = await req.payload.find({
      collection: 'utterances',
      where: { conversation: { equals: conversation.id } },
      sort: ['timestamp', 'seq'],
      limit: LINES_PAGE,
      page,
      select: {
        seq: true,
        username: true,
        utterance: true,
        rationale: true,
        timestamp: true,
        answerInputType: true,
        endConversation: true,
        additionalData: true,
      },
      ...asUser(req),
    })
    for (const { id: _id, ...line } of lines.docs) transcript.push(line as TranscriptLine)
    if (!lines.hasNextPage) break
  }

  const applicationId = idOf(conversation.application)
  const customerId = idOf(conversation.customer)
  const byKey: Where = { conversationId: { equals: conversationId } }
  const [application, customer, reviews, notes] = await Promise.all([
    applicationId === null
      ? null
      : req.payload.findByID({
          collection: 'applications',
          id: applicationId as number,
          disableErrors: true,
          ...asUser(req),
        }),
    customerId === null
      ? null
      : req.payload.findByID({
          collection: 'customers',
          id: customerId as number,
          disableErrors: true,
          ...asUser(req),
        }),
    req.payload.find({ collection: 'reviews', where: byKey, sort: 'createdAt', pagination: false, ...asUser(req) }),
    req.payload.find({ collection: 'notes', where: byKey, sort: 'createdAt', pagination: false, ...asUser(req) }),
  ])
  return {
    exportedAt: new Date().toISOString(),
    conversation: record,
    application: application ?? null,
    customer: customer ?? null,
    transcript,
    reviews: reviews.docs,
    notes: notes.docs,
  }
}

/** Rows per database read while streaming the CSV: memory holds one page, whatever the total. */
export const CSV_PAGE = 1_000

const CSV_SELECT = Object.fromEntries(CSV_COLUMNS.map((column) => [column, true])) as Record<
  (typeof CSV_COLUMNS)[number],
  true
>

/**
 * The board's conversations for its URL's filters (`q`, `status`, `attention`, `review`; other
 * parameters are ignored) as CSV, in the board's order, read page by page along a cursor as the client takes the bytes
 * (a pull stream: a slow client slows the reads, nothing piles up).
 */
export function boardCsv(req: PayloadRequest, params: URLSearchParams): ReadableStream<Uint8Array> {
  // "Needs attention" is judged once, at the request's clock: every page of the file agrees.
  const requestedAt = Date.now()
  const judge = { thresholds: attentionThresholds(), now: () => requestedAt }
  const asked = filtersFromParams(Object.fromEntries(params))
  let filters: Where | undefined
  const encoder = new TextEncoder()
  let readable: Where | undefined
  let cursor: { lastActivityAt: string | null; conversationId: string } | null = null
  let started = false
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true
          const access = await req.payload.collections.conversations.config.access.read({ req })
          if (!access) return controller.error(new Error('not allowed to read conversations'))
          readable = access === true ? undefined : access
          const reviewed = asked.review
            ? await reviewedConversations(localFinder(req), asked.review, req.user!.id)
            : undefined
          filters = conversationsWhere(asked, judge, reviewed)
          controller.enqueue(encoder.encode(csvHeader()))
          return
        }
        const clauses = [readable, filters, cursor ? afterCursor(cursor) : undefined].filter((c): c is Where =>
          Boolean(c),
        )
        // The adapter's read: the user's read access is in the where above, and the select names
        // plain columns only, so Payload's per-document field pass (a third of the time) is skipped.
        const page = await req.payload.db.find({
          collection: 'conversations',
          where: clauses.length > 1 ? { and: clauses } : (clauses[0] ?? {}),
          sort: CARD_SORT,
          limit: CSV_PAGE,
          pagination: false,
          select: { ...CSV_SELECT, lastActivityAt: true, conversationId: true },
          req,
        })
        const docs = page.docs as Array<Record<string, unknown>>
        if (docs.length > 0) controller.enqueue(encoder.encode(docs.map((doc) => csvRow(doc)).join('')))
        const last = docs[docs.length - 1]
        if (docs.length < CSV_PAGE || !last) {
          controller.close()
          return
        }
        cursor = {
          lastActivityAt: (last.lastActivityAt as string | null) ?? null,
          conversationId: String(last.conversationId),
        }
      },
    },
    { highWaterMark: 1 },
  )
}
