import { type ChatEvent, CONVERSATION_EVENT_TYPES, type Speaker, type UtteranceEvent } from '@/events/types'

type ConversationEvent = Extract<ChatEvent, { conversationId: string }>

const CONVERSATION_TYPES: ReadonlySet<ChatEvent['type']> = new Set(CONVERSATION_EVENT_TYPES)

const isConversationEvent = (event: ChatEvent): event is ConversationEvent => CONVERSATION_TYPES.has(event.type)
export const isUtteranceEvent = (event: ChatEvent): event is UtteranceEvent =>
  event.type === 'user_input' || event.type === 'assistant_response'

export const speakerOf = (event: UtteranceEvent): Speaker => (event.type === 'user_input' ? 'customer' : 'assistant')

/**
 * A transcript line's identity: a producer's retried XADD repeats cid, typ and seq under a new
 * entry id, and must show once. A line without a seq can only be told apart by its entry id.
 */
export const utteranceKey = (event: UtteranceEvent): string =>
  `${event.conversationId}:${event.type}:${event.seq ?? event.entryId}`

/** Only conversation events make or change a conversation; application events that carry a cid don't. */
export const conversationOf = (event: ChatEvent): string | undefined =>
  isConversationEvent(event) ? event.conversationId : undefined

/** Any event naming an application (`aid`) ensures that application exists, so links can be made. */
export const applicationOf = (event: ChatEvent): string | undefined => event.applicationNumber

/** Any event naming a customer (`uid`) ensures that customer exists, if only by its id. */
export const customerOf = (event: ChatEvent): string | undefined => event.customerId

/** The transcript line an event adds: utterances only. */
export const lineKeyOf = (event: ChatEvent): string | undefined =>
  isUtteranceEvent(event) ? utteranceKey(event) : undefined
