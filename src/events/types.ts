/**
 * The parsed chatLedger events: what `parse` hands downstream. Nothing past the edge sees the
 * raw stream strings; every field here is validated and normalised (camelCase, numbers as
 * numbers, decisions in lower case, timestamps as UTC ISO 8601 `toISOString()` strings).
 */
import type { EntryId } from './entryId'

export type { EntryId } from './entryId'

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

export const CONVERSATION_EVENT_TYPES = [
  'conversation_started',
  'user_input',
  'assistant_response',
  'final_decision',
  'conversation_summary',
] as const

export const APPLICATION_EVENT_TYPES = [
  'applicationDetail_changed',
  'identityRisk_assessment',
  'serviceability_assessment_results',
  'fraudCheck_results',
  'noticeboard_updated',
] as const

export const EVENT_TYPES = [...CONVERSATION_EVENT_TYPES, ...APPLICATION_EVENT_TYPES] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const ASSESSMENT_EVENT_TYPES = [
  'identityRisk_assessment',
  'serviceability_assessment_results',
  'fraudCheck_results',
] as const
export type AssessmentEventType = (typeof ASSESSMENT_EVENT_TYPES)[number]

/** The only agent whose events are projected. */
export const PROJECTED_AGENT = 'broker'

/** What every event carries, from the stream entry's envelope fields. */
export type Envelope = {
  /** The stream entry id: the event's identity and its order. */
  entryId: EntryId
  agent: typeof PROJECTED_AGENT
  /** `cid`; always present on conversation events, often on the others. */
  conversationId?: string
  /** `aid`, or the snapshot's own `applicationNumber`. */
  applicationNumber?: string
  /** `uid`, or the snapshot's `customer.customer_id`. */
  customerId?: string
  seq?: number
  /** `tsp`, the producer's clock: for display, never for ordering. */
  timestamp: string
}

type AboutConversation = Envelope & { conversationId: string }
type AboutApplication = Envelope & { applicationNumber: string }

export type Speaker = 'customer' | 'assistant'
export type Decision = 'approved' | 'declined'
export type ApplicationOutcome = 'pending' | Decision | 'withdrawn'
export type EkycStatus = 'successful' | 'failed' | 'pending'
export type IndividualStatus = 'LIVING' | 'DECEASED' | 'MISSING'
export type DocumentType = 'DRIVERS_LICENCE' | 'PASSPORT' | 'MEDICARE'
export type StepType = 'llm' | 'business_logic' | 'user_input'

/** An utterance `dat`, whichever spelling (long or short) the producer used. */
export type UtteranceData = {
  utterance: string
  rationale: string | null
  answerInputType: string | null
  additionalData: Json | null
  endConversation: boolean
  prevSeq: number | null
}

export type Address = {
  street: string | null
  city: string | null
  state: string | null
  postcode: string | null
  country: string
}

export type IdentityDocument = {
  documentType: DocumentType
  documentSubtype: string | null
  documentNumber: string
  expiryDate: string | null
  stateOfIssue: string | null
  countryOfIssue: string
  additionalInfo: JsonObject | null
}

/**
 * `dat.customer`, camelCased. A key the producer left out is absent (undefined): it leaves the
 * stored value alone. A key sent as null clears it.
 */
export type CustomerSnapshot = {
  customerId?: string
  title?: string | null
  preferredName?: string | null
  firstName?: string | null
  middleName?: string | null
  lastName?: string | null
  emailAddress?: string | null
  mobilePhoneNumber?: string | null
  /** `YYYY-MM-DD`. */
  dateOfBirth?: string | null
  residentialAddress?: Address | null
  mailingAddress?: Address | null
  staffFlag?: boolean | null
  investorFlag?: boolean | null
  founderFlag?: boolean | null
  ekycEntityId?: string | null
  ekycStatus?: EkycStatus | null
  individualStatus?: IndividualStatus | null
}

export type ProcessStep = {
  stepName: string
  description: string | null
  complete: boolean
  type: StepType | null
  completionEventName: string | null
  answerInputType: string | null
}

export type ProcessStage = {
  stageName: string
  complete: boolean
  prompt: string | null
  steps: ProcessStep[]
}

export type ProcessSnapshot = {
  currentProcessStage: string | null
  currentProcessStep: string | null
  startedAt: string | null
  updatedAt: string | null
  applicationProcessState: ProcessStage[]
}

/** `applicationDetail_changed`'s `dat`: absent keys leave stored values alone. */
export type ApplicationSnapshot = {
  loanPurpose?: string | null
  loanAmount?: number | null
  loanFee?: number | null
  loanTotalPayable?: number | null
  loanTerm?: number | null
  customerAttestationAcceptance?: boolean | null
  statementCaptureConsentProvided?: boolean | null
  statementCaptureCompleted?: boolean | null
  productOfferAcceptance?: boolean | null
  applicationOutcome?: ApplicationOutcome
  applicationProcess?: ProcessSnapshot
  customer?: CustomerSnapshot
  /** `dat.customerIdentityDocuments`. */
  identityDocuments?: IdentityDocument[]
}

export type ConversationStarted = AboutConversation & { type: 'conversation_started'; data: JsonObject }
export type UtteranceEvent = AboutConversation & { type: 'user_input' | 'assistant_response'; data: UtteranceData }
export type FinalDecision = AboutConversation & { type: 'final_decision'; data: { decision: Decision } }
export type ConversationSummary = AboutConversation & {
  type: 'conversation_summary'
  data: { purpose: string | null; facts: string[] }
}
export type ApplicationDetailChanged = AboutApplication & {
  type: 'applicationDetail_changed'
  data: ApplicationSnapshot
}
/** An assessment's `dat` is kept as the assessing agent sent it. */
export type AssessmentEvent = AboutApplication & { type: AssessmentEventType; data: JsonObject }
export type NoticeboardUpdated = AboutApplication & {
  type: 'noticeboard_updated'
  data: { agentName: string; content: string }
}

export type ChatEvent =
  | ConversationStarted
  | UtteranceEvent
  | FinalDecision
  | ConversationSummary
  | ApplicationDetailChanged
  | AssessmentEvent
  | NoticeboardUpdated

export type ParseResult =
  | { ok: true; event: ChatEvent }
  | { ok: false; kind: 'malformed'; reason: string }
  | { ok: false; kind: 'skipped'; reason: 'unknown_type' | 'foreign_agent'; type?: string }

/** A stream entry's fields: a map, or ioredis' flat `[field, value, field, value, …]`. */
export type StreamFields = Record<string, string> | readonly string[]
