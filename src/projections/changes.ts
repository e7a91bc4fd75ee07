/**
 * Change-feed messages: what a card or a transcript needs to update itself, never the whole
 * document (whole documents averaged 29 KB, up to 100 KB). Pure: builders take the worker's
 * projected states or the documents a Local API write returns, both of which use the
 * collections' field names.
 *
 * A message is a patch of the record's card: `doc` holds the card fields the writer knows and
 * carries `id`; a field that is absent is unknown to that writer (merge, don't replace).
 *
 * One type for both ends: every writer builds its messages with changeMessage (or removal), and
 * the browser reads them back with readChangeMessage into the same ChangeMessage union.
 */
import type { EntryId } from '@/events/entryId'
import { type AttentionSignals, attentionSignalsOf, type SignalSource } from './dashboard/signals'
import type { ConversationStatus } from './dashboard/statuses'

export const FEED_COLLECTIONS = [
  'conversations',
  'utterances',
  'applications',
  'customers',
  'reviews',
  'notes',
] as const
export type FeedCollection = (typeof FEED_COLLECTIONS)[number]
export const isFeedCollection = (value: string): value is FeedCollection =>
  (FEED_COLLECTIONS as readonly string[]).includes(value)

export type Operation = 'create' | 'update' | 'delete'
export type RecordId = number | string

export type ConversationCard = {
  id: RecordId
  conversationId: string
  applicationNumber?: string | null
  /** The customer's business key (worker), and/or the linked record's id. */
  customerId?: string | null
  customer?: RecordId | null
  application?: RecordId | null
  customerName?: string | null
  status?: ConversationStatus
  startedAt?: string | null
  lastUtteranceAt?: string | null
  lastActivityAt?: string | null
  messageCount?: number | null
  finalDecision?: 'approved' | 'declined' | null
  purpose?: string | null
  /** Who is to speak next, and how often the assistant repeated its most repeated question. */
  waitingOn?: 'customer' | 'assistant' | null
  questionRepeats?: number | null
} & Partial<AttentionSignals>

export type UtteranceLine = {
  id: RecordId
  /** The conversation record's id, and its business key when known. */
  conversation: RecordId
  conversationId?: string
  key: string
  eventId: string
  seq: number | null
  username: 'customer' | 'assistant'
  utterance: string | null
  rationale: string | null
  timestamp: string
  answerInputType: string | null
  endConversation: boolean
}

export type ApplicationCard = {
  id: RecordId
  applicationNumber: string
  customerId?: string | null
  customer?: RecordId | null
  applicationOutcome?: 'pending' | 'approved' | 'declined' | 'withdrawn' | null
  loanAmount?: number | null
  loanFee?: number | null
  loanTotalPayable?: number | null
  loanTerm?: number | null
  loanPurpose?: string | null
  currentProcessStage?: string | null
  currentProcessStep?: string | null
  /** Which assessments have arrived (their bodies stay on the record). */
  assessed?: { identityRisk: boolean; serviceability: boolean; fraudCheck: boolean }
  /** What the attention rules read, as copied onto each of the application's conversations. */
  signals?: AttentionSignals
  /** One note per agent; `updatedAt` is the latest note's timestamp. */
  noticeboard?: { notes: number; updatedAt: string | null }
}

export type CustomerCard = { id: RecordId; customerId: string; fullName?: string | null }

/** A supervisor's review of a conversation (people's data, keyed by the conversation's business key). */
export type ReviewCard = {
  id: RecordId
  conversationId: string
  status: 'open' | 'resolved'
  reason: string
  assignee: RecordId | null
  assigneeName: string | null
  flaggedBy: RecordId | null
  flaggedByName: string | null
  resolvedByName: string | null
  resolvedAt: string | null
  createdAt?: string
  updatedAt?: string
}

/** One note of a conversation's thread. */
export type NoteLine = {
  id: RecordId
  conversationId: string
  body: string
  author: RecordId | null
  authorName: string | null
  createdAt?: string
  updatedAt?: string
}

/** Each feed collection's card: what its change messages carry in `doc`. */
export type CardOf = {
  conversations: ConversationCard
  utterances: UtteranceLine
  applications: ApplicationCard
  customers: CustomerCard
  reviews: ReviewCard
  notes: NoteLine
}

/** What a removal says of the record: its id, and what else the remover knew (its business key, for filters). */
export type RemovedCard<Card extends { id: RecordId }> = Pick<Card, 'id'> & Partial<Card>

type Message<C extends FeedCollection> = {
  collection: C
  id: RecordId
  /** chatLedger entry ids folded into this change (the last few; empty for non-worker writes). */
  entryIds: EntryId[]
  /** How many events were folded, when more than `entryIds` lists. */
  entryCount?: number
  /**
   * The record's version after the change, when known. Two workers may publish changes to one
   * record out of commit order; a reader keeps the highest version it has seen.
   */
  version?: number
} & ({ operation: 'create' | 'update'; doc: CardOf[C] } | { operation: 'delete'; doc: RemovedCard<CardOf[C]> })

/** What the server publishes and the browser reads: one message type, narrowed by `collection` and `operation`. */
export type ChangeMessage = { [C in FeedCollection]: Message<C> }[FeedCollection]

/** The change message of one collection's record. */
export type ChangeMessageOf<C extends FeedCollection> = Extract<ChangeMessage, { collection: C }>

/** A large batch can fold hundreds of events into one record: list the last few only. */
export const MAX_ENTRY_IDS = 10

/** Where a change came from: the chatLedger entries folded into it, and the record's version after it. */
export type ChangeStamp = { entryIds?: EntryId[]; version?: number | null }

function stamped<C extends FeedCollection>(
  collection: C,
  operation: Operation,
  doc: RemovedCard<CardOf[C]>,
  { entryIds = [], version }: ChangeStamp,
): ChangeMessageOf<C> {
  // The operation and the doc match by construction (envelope takes a whole card, removal a removed one).
  const message = { collection, id: doc.id, operation, entryIds: entryIds.slice(-MAX_ENTRY_IDS), doc } as Message<C>
  if (entryIds.length > MAX_ENTRY_IDS) message.entryCount = entryIds.length
  if (typeof version === 'number') message.version = version
  // TypeScript does not see that a message of a generic C is the member of the union for that C.
  return message as unknown as ChangeMessageOf<C>
}

/** A change message around a card already built. */
export const envelope = <C extends FeedCollection>(
  collection: C,
  operation: Operation,
  card: CardOf[C],
  entryIds: EntryId[] = [],
  version?: number | null,
): ChangeMessageOf<C> => stamped(collection, operation, card, { entryIds, version })

/** The removal of a record of which only some fields are known (its id and business key, say). */
export const removal = <C extends FeedCollection>(
  collection: C,
  doc: RemovedCard<CardOf[C]>,
  stamp: ChangeStamp = {},
): ChangeMessageOf<C> => stamped(collection, 'delete', doc, stamp)

/**
 * One message per record: when several commits of one batch changed a record (a batch committed
 * in parts around an event that fails), the last change stands, as a create if the first was one,
 * with every entry id folded into it. Order is kept, by each record's first change.
 */
export function mergeMessages(messages: ChangeMessage[]): ChangeMessage[] {
  const merged = new Map<string, ChangeMessage>()
  for (const message of messages) {
    const key = `${message.collection}:${message.id}`
    const earlier = merged.get(key)
    if (!earlier) {
      merged.set(key, message)
      continue
    }
    const entryIds = [...earlier.entryIds, ...message.entryIds]
    const count = (earlier.entryCount ?? earlier.entryIds.length) + (message.entryCount ?? message.entryIds.length)
    const next = {
      ...message,
      operation: earlier.operation === 'create' ? 'create' : message.operation,
    } as ChangeMessage
    next.entryIds = entryIds.slice(-MAX_ENTRY_IDS)
    if (count > MAX_ENTRY_IDS) next.entryCount = count
    else delete next.entryCount
    merged.set(key, next)
  }
  return [...merged.values()]
}

/** A relationship value at any depth: the id, or the populated document's id. */
export const idOf = (value: unknown): RecordId | null | undefined => {
  if (value === null || value === undefined) return value
  if (typeof value === 'object') return (value as { id?: RecordId }).id
  return value as RecordId
}

/** Keeps only the keys whose value is known (not undefined), so JSON stays small and patches stay patches. */
const known = <T extends object>(record: T): T =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T

/**
 * A conversation as a card is made from it: the card's fields, with links as stored (an id, or a
 * populated record), from a change message, a REST or Local API read, or the worker's state.
 */
export type ConversationDoc = Omit<ConversationCard, 'id' | 'customer' | 'application'> & {
  customer?: unknown
  application?: unknown
  /** The record's version, when read from the database. */
  version?: number | null
}

export const conversationCard = (id: RecordId, source: ConversationDoc): ConversationCard =>
  known({
    id,
    conversationId: source.conversationId,
    applicationNumber: source.applicationNumber,
    customerId: source.customerId,
    customer: idOf(source.customer),
    application: idOf(source.application),
    customerName: source.customerName,
    status: source.status,
    startedAt: source.startedAt,
    lastUtteranceAt: source.lastUtteranceAt,
    lastActivityAt: source.lastActivityAt,
    messageCount: source.messageCount,
    finalDecision: source.finalDecision,
    purpose: source.purpose,
    waitingOn: source.waitingOn,
    questionRepeats: source.questionRepeats,
    identityRiskScore: source.identityRiskScore,
    identityRiskBand: source.identityRiskBand,
    fraudResult: source.fraudResult,
    serviceable: source.serviceable,
    currentStep: source.currentStep,
    stepSince: source.stepSince,
  })

type UtteranceSource = {
  conversation: unknown
  conversationId?: string
  key: string
  eventId: string
  seq?: number | null
  username: 'customer' | 'assistant'
  utterance?: string | null
  rationale?: string | null
  timestamp: string
  answerInputType?: string | null
  endConversation?: boolean | null
}

export const utteranceLine = (id: RecordId, source: UtteranceSource): UtteranceLine =>
  known({
    id,
    conversation: idOf(source.conversation)!,
    conversationId: source.conversationId,
    key: source.key,
    eventId: source.eventId,
    seq: source.seq ?? null,
    username: source.username,
    utterance: source.utterance ?? null,
    rationale: source.rationale ?? null,
    timestamp: source.timestamp,
    answerInputType: source.answerInputType ?? null,
    endConversation: Boolean(source.endConversation),
  })

type ApplicationSource = {
  applicationNumber: string
  customerId?: string | null
  customer?: unknown
  applicationOutcome?: ApplicationCard['applicationOutcome']
  loanAmount?: number | null
  loanFee?: number | null
  loanTotalPayable?: number | null
  loanTerm?: number | null
  loanPurpose?: string | null
  applicationProcess?: SignalSource['applicationProcess']
  assessments?: SignalSource['assessments']
  noticeboard?: Array<{ timestamp?: string | null }> | null
}

const isPresent = (value: unknown) => value !== null && value !== undefined

export function applicationCard(id: RecordId, source: ApplicationSource): ApplicationCard {
  const notes = source.noticeboard ?? []
  const stamps = notes.map((note) => note.timestamp).filter((at): at is string => Boolean(at))
  return known({
    id,
    applicationNumber: source.applicationNumber,
    customerId: source.customerId,
    customer: idOf(source.customer),
    applicationOutcome: source.applicationOutcome,
    loanAmount: source.loanAmount,
    loanFee: source.loanFee,
    loanTotalPayable: source.loanTotalPayable,
    loanTerm: source.loanTerm,
    loanPurpose: source.loanPurpose,
    currentProcessStage: source.applicationProcess?.currentProcessStage ?? null,
    currentProcessStep: source.applicationProcess?.currentProcessStep ?? null,
    assessed: {
      identityRisk: isPresent(source.assessments?.identityRisk),
      serviceability: isPresent(source.assessments?.serviceability),
      fraudCheck: isPresent(source.assessments?.fraudCheck),
    },
    signals: attentionSignalsOf(source),
    // ISO timestamps in one zone compare as text.
    noticeboard: { notes: notes.length, updatedAt: stamps.length ? stamps.reduce((a, b) => (a >= b ? a : b)) : null },
  })
}

export const customerCard = (id: RecordId, source: { customerId: string; fullName?: string | null }): CustomerCard =>
  known({ id, customerId: source.customerId, fullName: source.fullName })

type ReviewSource = Omit<
  ReviewCard,
  'id' | 'assignee' | 'flaggedBy' | 'assigneeName' | 'flaggedByName' | 'resolvedByName' | 'resolvedAt'
> & {
  assignee?: unknown
  flaggedBy?: unknown
  assigneeName?: string | null
  flaggedByName?: string | null
  resolvedByName?: string | null
  resolvedAt?: string | null
}

export const reviewCard = (id: RecordId, source: ReviewSource): ReviewCard =>
  known({
    id,
    conversationId: source.conversationId,
    status: source.status,
    reason: source.reason,
    assignee: idOf(source.assignee) ?? null,
    assigneeName: source.assigneeName ?? null,
    flaggedBy: idOf(source.flaggedBy) ?? null,
    flaggedByName: source.flaggedByName ?? null,
    resolvedByName: source.resolvedByName ?? null,
    resolvedAt: source.resolvedAt ?? null,
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
  })

type NoteSource = Omit<NoteLine, 'id' | 'author' | 'authorName'> & { author?: unknown; authorName?: string | null }

export const noteLine = (id: RecordId, source: NoteSource): NoteLine =>
  known({
    id,
    conversationId: source.conversationId,
    body: source.body,
    author: idOf(source.author) ?? null,
    authorName: source.authorName ?? null,
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
  })

type CustomerSource = { customerId: string; fullName?: string | null }

/** What each collection's card is made from: the worker's projected state, or a Local API document. */
export type SourceOf = {
  conversations: ConversationDoc
  utterances: UtteranceSource
  applications: ApplicationSource
  customers: CustomerSource
  reviews: ReviewSource
  notes: NoteSource
}

const CARD_BUILDERS: { [C in FeedCollection]: (id: RecordId, source: SourceOf[C]) => CardOf[C] } = {
  conversations: conversationCard,
  utterances: utteranceLine,
  applications: applicationCard,
  customers: customerCard,
  reviews: reviewCard,
  notes: noteLine,
}

/**
 * The one way a writer announces a change (the worker's store, the collection hooks, rebuilds,
 * dead-letter retries): the collection's card made from what was written, in its envelope.
 */
export const changeMessage = <C extends FeedCollection>(
  collection: C,
  operation: Operation,
  id: RecordId,
  source: SourceOf[C],
  stamp: ChangeStamp = {},
): ChangeMessageOf<C> => stamped(collection, operation, CARD_BUILDERS[collection](id, source), stamp)

/**
 * The fields each card has whenever it is not a removal: the browser reads them without asking.
 * A message without them was not written by changeMessage, and is not read.
 */
const REQUIRED: { [C in FeedCollection]: ReadonlyArray<keyof CardOf[C] & string> } = {
  conversations: ['conversationId'],
  utterances: ['conversation', 'username', 'timestamp'],
  applications: ['applicationNumber'],
  customers: ['customerId'],
  reviews: ['conversationId', 'status'],
  notes: ['conversationId'],
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** An SSE frame's data as an object carrying a `doc` object, or undefined when it is not one. */
function framed(data: string): (Record<string, unknown> & { doc: Record<string, unknown> }) | undefined {
  let message: unknown
  try {
    message = JSON.parse(data)
  } catch {
    return undefined
  }
  return isObject(message) && isObject(message.doc) ? (message as ReturnType<typeof framed>) : undefined
}

/**
 * Reads a change message (an SSE frame's `data`), or undefined when it is not one. `event` is the
 * frame's event name, which names the collection when the message does not.
 */
export function readChangeMessage(data: string, event?: string): ChangeMessage | undefined {
  const message = framed(data)
  if (!message) return undefined
  const collection = typeof message.collection === 'string' ? message.collection : event
  const id = message.id ?? message.doc.id
  if (collection === undefined || !isFeedCollection(collection)) return undefined
  if ((typeof id !== 'string' && typeof id !== 'number') || id === '') return undefined
  const operation: Operation =
    message.operation === 'create' || message.operation === 'delete' ? message.operation : 'update'
  const doc = message.doc
  const complete = REQUIRED[collection].every((field) => doc[field] !== undefined && doc[field] !== null)
  if (operation !== 'delete' && !complete) return undefined
  return {
    collection,
    id,
    operation,
    entryIds: Array.isArray(message.entryIds) ? message.entryIds.filter((entry) => typeof entry === 'string') : [],
    ...(typeof message.entryCount === 'number' ? { entryCount: message.entryCount } : {}),
    ...(typeof message.version === 'number' ? { version: message.version } : {}),
    doc: { ...doc, id },
  } as ChangeMessage
}

/** A viewer of a conversation as announced: present for `ttlMs` from the moment the message was written. */
export type PresentViewer = { id: string; name: string; ttlMs: number }

/** Who views a conversation now (src/presence), on the same feed as the SSE event `presence`. */
export type PresenceMessage = {
  collection: 'presence'
  id: string
  doc: { conversationId: string; viewers: PresentViewer[] }
}

export const presenceMessage = (conversationId: string, viewers: PresentViewer[]): PresenceMessage => ({
  collection: 'presence',
  id: conversationId,
  doc: { conversationId, viewers },
})

/** Reads a presence message (an SSE `presence` frame's `data`); viewers not well formed are left out. */
export function readPresenceMessage(data: string): PresenceMessage | undefined {
  const message = framed(data)
  if (!message) return undefined
  const { conversationId, viewers } = message.doc
  if (typeof conversationId !== 'string' || !Array.isArray(viewers)) return undefined
  return presenceMessage(
    conversationId,
    viewers.filter(
      (viewer): viewer is PresentViewer =>
        isObject(viewer) &&
        typeof viewer.id === 'string' &&
        typeof viewer.name === 'string' &&
        typeof viewer.ttlMs === 'number',
    ),
  )
}
