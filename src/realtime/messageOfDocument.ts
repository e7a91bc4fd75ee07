import type { PayloadRequest } from 'payload'

import type { Config, Utterance } from '@/payload-types'

import { type ChangeMessage, changeMessage, type FeedCollection, type Operation } from '@/projections/changes'

/** A document of a feed collection, as a Local API, REST or GraphQL write returns it. */
export type FeedDocument<C extends FeedCollection> = Config['collections'][C]

/** The business key of an utterance's conversation: from the populated relation, else one read. */
async function conversationIdOf(doc: Utterance, req: PayloadRequest): Promise<string | undefined> {
  if (typeof doc.conversation === 'object') return doc.conversation.conversationId
  const conversation = await req.payload.findByID({
    collection: 'conversations',
    id: doc.conversation,
    depth: 0,
    select: { conversationId: true },
    disableErrors: true,
    req,
  })
  return conversation?.conversationId
}

/**
 * The change message for a document written (or deleted) through the Local API, REST or GraphQL:
 * the card changeMessage makes of it, with the record's version where the collection keeps one.
 * A transcript line also names its conversation's business key (for `?conversation=` filters).
 */
export async function messageOfDocument<C extends FeedCollection>(
  collection: C,
  doc: FeedDocument<C>,
  operation: Operation,
  req: PayloadRequest,
): Promise<ChangeMessage> {
  const version = 'version' in doc ? doc.version : undefined
  if (collection === 'utterances') {
    const line = doc as Utterance
    return changeMessage('utterances', operation, line.id, {
      ...line,
      conversationId: await conversationIdOf(line, req),
    })
  }
  return changeMessage(collection, operation, doc.id, doc, { version })
}
