import type { PayloadRequest } from 'payload'

import type { Application, Conversation, Customer, Note, Review, Utterance } from '@/payload-types'

import {
  applicationCard,
  type ChangeMessage,
  conversationCard,
  customerCard,
  envelope,
  type FeedCollection,
  isFeedCollection,
  noteLine,
  type Operation,
  reviewCard,
  utteranceLine,
} from '@/projections/changes'

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

/** The change message for a document written (or deleted) through the Local API, REST or GraphQL. */
export async function messageOfDocument(
  collection: string,
  doc: unknown,
  operation: Operation,
  req: PayloadRequest,
): Promise<ChangeMessage | undefined> {
  if (!isFeedCollection(collection)) return undefined
  const slug: FeedCollection = collection
  switch (slug) {
    case 'conversations': {
      const conversation = doc as Conversation
      return envelope(
        'conversations',
        operation,
        conversationCard(conversation.id, conversation),
        [],
        conversation.version,
      )
    }
    case 'utterances': {
      const line = doc as Utterance
      const conversationId = await conversationIdOf(line, req)
      return envelope('utterances', operation, utteranceLine(line.id, { ...line, conversationId }))
    }
    case 'applications': {
      const application = doc as Application
      return envelope('applications', operation, applicationCard(application.id, application), [], application.version)
    }
    case 'customers': {
      const customer = doc as Customer
      return envelope('customers', operation, customerCard(customer.id, customer), [], customer.version)
    }
    case 'reviews': {
      const review = doc as Review
      return envelope('reviews', operation, reviewCard(review.id, review))
    }
    case 'notes': {
      const note = doc as Note
      return envelope('notes', operation, noteLine(note.id, note))
    }
  }
}
