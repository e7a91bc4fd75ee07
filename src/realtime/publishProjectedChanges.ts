import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import type { ProjectedChanges } from '@/worker/projectBatch'

import { publishMessages } from './changeFeed'
import {
  applicationCard,
  type ChangeMessage,
  conversationCard,
  customerCard,
  envelope,
  idOf,
  type RecordId,
  utteranceLine,
} from './messages'

type Row = Record<string, unknown>

/**
 * What one committed batch adds to the card and transcript views, read back after the commit:
 *
 * - the conversations' `customerName` and links, which the worker writes from the customer's
 *   record (not part of the conversation's projected state);
 * - which transcript lines are new. `changes.utterances` lists every line the batch carried,
 *   redeliveries and producer retries included (the insert skips those). A line is new when
 *   its event changed its conversation (a redelivered line changes nothing, so its entry id is
 *   not among the conversation's `entryIds`) and the stored line with its key is this very
 *   event (a producer's retry finds its first copy stored). The stored row also gives its id.
 */
async function readBack(payload: Payload, changes: ProjectedChanges) {
  const conversationIds = changes.conversations.map((change) => change.id)
  const changedBy = new Set(changes.conversations.flatMap((change) => change.entryIds))
  const candidates = changes.utterances.filter((line) => changedBy.has(line.eventId))
  const [conversations, lines] = await Promise.all([
    conversationIds.length
      ? payload.db.find({
          collection: 'conversations',
          where: { id: { in: conversationIds } },
          select: { customerName: true, customer: true, application: true },
          pagination: false,
          limit: 0,
        })
      : undefined,
    candidates.length
      ? payload.db.find({
          collection: 'utterances',
          where: { key: { in: candidates.map((line) => line.key) } },
          select: { key: true, eventId: true },
          pagination: false,
          limit: 0,
        })
      : undefined,
  ])
  const conversationById = new Map(((conversations?.docs ?? []) as Row[]).map((doc) => [String(doc.id), doc]))
  const stored = new Map(((lines?.docs ?? []) as Row[]).map((doc) => [String(doc.key), doc]))
  const newLines = candidates.flatMap((line) => {
    const row = stored.get(line.key)
    return row && row.eventId === line.eventId ? [{ line, id: row.id as RecordId }] : []
  })
  return { conversationById, newLines }
}

/** The change messages of one committed batch: customers, applications, conversations, then new lines. */
export async function messagesOfBatch(payload: Payload, changes: ProjectedChanges): Promise<ChangeMessage[]> {
  const { conversationById, newLines } = await readBack(payload, changes).catch((error: Error) => {
    payload.logger.warn(
      { err: error.message },
      'change feed: could not read the batch back; publishing its records without names and new lines',
    )
    return { conversationById: new Map<string, Row>(), newLines: [] }
  })
  return [
    ...changes.customers.map(({ id, operation, state, entryIds, version }) =>
      envelope('customers', operation, customerCard(id, state), entryIds, version),
    ),
    ...changes.applications.map(({ id, operation, state, entryIds, version }) =>
      envelope('applications', operation, applicationCard(id, state), entryIds, version),
    ),
    ...changes.conversations.map(({ id, operation, state, entryIds, version }) => {
      const stored = conversationById.get(String(id))
      const links = stored
        ? {
            customerName: (stored.customerName as string | null) ?? null,
            customer: idOf(stored.customer),
            application: idOf(stored.application),
          }
        : {}
      return envelope('conversations', operation, conversationCard(id, { ...state, ...links }), entryIds, version)
    }),
    ...newLines.map(({ line, id }) => envelope('utterances', 'create', utteranceLine(id, line), [line.eventId])),
  ]
}

/**
 * The worker's `onCommitted`: publishes everything one committed batch changed, in one
 * pipeline. Runs after the commit, so only committed changes are announced.
 */
export async function publishProjectedChanges(
  payload: Payload,
  redis: Redis,
  changes: ProjectedChanges,
): Promise<string[]> {
  return publishMessages(redis, await messagesOfBatch(payload, changes))
}
