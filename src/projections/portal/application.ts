/**
 * The customer portal's application: flat, denormalised, what a customer may see of their
 * application and nothing else. Folded from the events alone (never from the dashboard's
 * records), so it can be rebuilt on its own. Every field is a register stamped by entry id, as
 * in the dashboard, so the fold ignores order and repeats.
 */
import { type EntryId, maxEntryId } from '@/events/entryId'
import type {
  ApplicationDetailChanged,
  ApplicationOutcome,
  ChatEvent,
  CustomerSnapshot,
  DocumentType,
  EkycStatus,
  IdentityDocument,
} from '@/events/types'

import type { AppliedEvents } from '../appliedEvents'
import { applyingEachEventOnce } from '../define'
import { charges } from '../loan'
import { composeFullName } from '../dashboard/fullName'
import { earliest, latest, type Stamps, write, writeField } from '../registers'
import { type PortalStatus, portalStatusOf, progressOf } from './status'

/** How an identity document on file stands, as far as the events tell. */
export type DocumentState = 'received' | 'verified' | 'rejected' | 'expired'

export type PortalDocument = {
  documentType: DocumentType
  documentSubtype: string | null
  /** The number's last characters only, e.g. `•••• 4821`. */
  maskedNumber: string
  expiryDate: string | null
  state: DocumentState
}

/** What is still needed from the customer before a decision. */
export const OUTSTANDING_ITEMS = ['identity_document', 'identity_verification', 'bank_statements'] as const
export type OutstandingItem = (typeof OUTSTANDING_ITEMS)[number]

const LOAN_FIELDS = ['loanPurpose', 'loanAmount', 'loanFee', 'loanTotalPayable', 'loanTerm'] as const
const NAME_FIELDS = ['firstName', 'middleName', 'lastName', 'preferredName'] as const
const CHECKS = ['identityRisk_assessment', 'serviceability_assessment_results', 'fraudCheck_results'] as const

type Register =
  | 'customerId'
  | (typeof LOAN_FIELDS)[number]
  | (typeof NAME_FIELDS)[number]
  | 'customerEmail'
  | 'outcome'
  | 'process'
  | 'documents'
  | 'ekycStatus'
  | 'statementCaptureCompleted'
  | (typeof CHECKS)[number]

export type PortalApplicationBookkeeping = { stamps: Stamps<Register>; applied?: AppliedEvents }

export type PortalApplicationState = {
  applicationNumber: string
  customerId: string | null
  status: PortalStatus
  currentStage: string | null
  currentStep: string | null
  progressPercentage: number
  loanPurpose: string | null
  loanAmount: number | null
  loanFee: number | null
  loanTotalPayable: number | null
  loanTerm: number | null
  customerName: string
  customerEmail: string | null
  documents: PortalDocument[]
  outstanding: OutstandingItem[]
  hasOutstanding: boolean
  /** When the loan's details first came in. */
  submittedAt: string | null
  /** When the decision was made, once there is one. */
  decidedAt: string | null
  /** The latest producer time of any event that counts for the application. */
  lastUpdateAt: string | null
  /** The stream position the record reflects: the latest event whose write it shows. */
  position: EntryId | null
  // Registers the derived fields are made from, kept as columns like the rest.
  outcome: ApplicationOutcome
  firstName: string | null
  middleName: string | null
  lastName: string | null
  preferredName: string | null
  ekycStatus: EkycStatus | null
  statementCaptureCompleted: boolean | null
  identityDocuments: IdentityDocument[]
  projection: PortalApplicationBookkeeping
}

const newApplication = (applicationNumber: string): PortalApplicationState => ({
  applicationNumber,
  customerId: null,
  status: 'draft',
  currentStage: null,
  currentStep: null,
  progressPercentage: 0,
  loanPurpose: null,
  loanAmount: null,
  loanFee: null,
  loanTotalPayable: null,
  loanTerm: null,
  customerName: '',
  customerEmail: null,
  documents: [],
  outstanding: [],
  hasOutstanding: false,
  submittedAt: null,
  decidedAt: null,
  lastUpdateAt: null,
  position: null,
  outcome: 'pending',
  firstName: null,
  middleName: null,
  lastName: null,
  preferredName: null,
  ekycStatus: null,
  statementCaptureCompleted: null,
  identityDocuments: [],
  projection: { stamps: {} },
})

const COUNTED: ReadonlySet<ChatEvent['type']> = new Set(['applicationDetail_changed', 'final_decision', ...CHECKS])

function describeCustomer(
  state: PortalApplicationState,
  customer: CustomerSnapshot,
  at: EntryId,
): PortalApplicationState {
  const named = NAME_FIELDS.reduce(
    (next, field) => (customer[field] === undefined ? next : writeField(next, field, at, customer[field] ?? null)),
    state,
  )
  const emailed =
    customer.emailAddress === undefined
      ? named
      : write(named, 'customerEmail', at, { customerEmail: customer.emailAddress })
  return customer.ekycStatus === undefined ? emailed : writeField(emailed, 'ekycStatus', at, customer.ekycStatus)
}

function applySnapshot(state: PortalApplicationState, event: ApplicationDetailChanged): PortalApplicationState {
  const snapshot = { ...event.data, ...charges(event.data) }
  const at = event.entryId
  const loan = LOAN_FIELDS.reduce(
    (next, field) => (snapshot[field] === undefined ? next : writeField(next, field, at, snapshot[field] ?? null)),
    state,
  )
  const submitted =
    snapshot.loanAmount == null ? loan : { ...loan, submittedAt: earliest(loan.submittedAt, event.timestamp) }
  const decided = snapshot.applicationOutcome
    ? write(submitted, 'outcome', at, { outcome: snapshot.applicationOutcome, decidedAt: event.timestamp })
    : submitted
  const { applicationProcess: process } = snapshot
  const progressed = process
    ? write(decided, 'process', at, {
        currentStage: process.currentProcessStage,
        currentStep: process.currentProcessStep,
        progressPercentage: progressOf(process.applicationProcessState),
      })
    : decided
  const captured =
    snapshot.statementCaptureCompleted === undefined
      ? progressed
      : writeField(progressed, 'statementCaptureCompleted', at, snapshot.statementCaptureCompleted)
  const described = snapshot.customer ? describeCustomer(captured, snapshot.customer, at) : captured
  return snapshot.identityDocuments
    ? write(described, 'documents', at, { identityDocuments: snapshot.identityDocuments })
    : described
}

function apply(state: PortalApplicationState, event: ChatEvent): PortalApplicationState {
  switch (event.type) {
    case 'applicationDetail_changed':
      return applySnapshot(state, event)
    case 'final_decision':
      return write(state, 'outcome', event.entryId, { outcome: event.data.decision, decidedAt: event.timestamp })
    case 'identityRisk_assessment':
    case 'serviceability_assessment_results':
    case 'fraudCheck_results':
      // Only that a check has come back: what it found stays with the lender.
      return write(state, event.type, event.entryId, {})
    default:
      return state
  }
}

const masked = (number: string) => `•••• ${number.slice(-4)}`

function documentsOf(state: PortalApplicationState, asOf: string | null): PortalDocument[] {
  const verification: DocumentState =
    state.ekycStatus === 'successful' ? 'verified' : state.ekycStatus === 'failed' ? 'rejected' : 'received'
  return state.identityDocuments.map((document) => ({
    documentType: document.documentType,
    documentSubtype: document.documentSubtype,
    maskedNumber: masked(document.documentNumber),
    expiryDate: document.expiryDate,
    state: document.expiryDate && asOf && document.expiryDate < asOf.slice(0, 10) ? 'expired' : verification,
  }))
}

function outstandingOf(
  state: PortalApplicationState,
  status: PortalStatus,
  documents: PortalDocument[],
): OutstandingItem[] {
  if (status === 'approved' || status === 'declined' || status === 'withdrawn') return []
  const items: OutstandingItem[] = []
  if (!documents.some((document) => document.state !== 'expired')) items.push('identity_document')
  if (state.ekycStatus !== 'successful') items.push('identity_verification')
  if (state.statementCaptureCompleted !== true) items.push('bank_statements')
  return items
}

/** The stream position a record reflects: the latest event whose write it shows. */
export function positioned<State extends { position: EntryId | null; projection: { stamps: Stamps<string> } }>(
  state: State,
): State {
  const stamps = Object.values(state.projection.stamps).filter((at): at is EntryId => at !== undefined)
  const position = stamps.length ? stamps.reduce(maxEntryId) : null
  return position === state.position ? state : { ...state, position }
}

/** The fields made from the registers, recomputed after every event. */
function derive(state: PortalApplicationState, event: ChatEvent): PortalApplicationState {
  const checked = CHECKS.some((check) => state.projection.stamps[check] !== undefined)
  const status = portalStatusOf({ outcome: state.outcome, checked, loanAmount: state.loanAmount })
  const lastUpdateAt = latest(state.lastUpdateAt, event.timestamp)
  const documents = documentsOf(state, lastUpdateAt)
  const outstanding = outstandingOf(state, status, documents)
  return {
    ...positioned(state),
    status,
    customerName: composeFullName(state),
    documents,
    outstanding,
    hasOutstanding: outstanding.length > 0,
    decidedAt: state.outcome === 'pending' ? null : state.decidedAt,
    lastUpdateAt,
  }
}

/** Any application event (or decision) naming the application, and the conversation that opened it. */
export const portalApplicationOf = (event: ChatEvent): string | undefined =>
  event.applicationNumber !== undefined && (COUNTED.has(event.type) || event.type === 'conversation_started')
    ? event.applicationNumber
    : undefined

/**
 * The customer's view of the application after `event`. A conversation that opens with an
 * application number creates it as a draft; snapshots fill it; lender checks move it to
 * under review; the outcome decides it.
 */
export const evolvePortalApplication = applyingEachEventOnce<PortalApplicationState>(
  (state, event) => {
    const applicationNumber = portalApplicationOf(event)
    if (applicationNumber === undefined || (state && state.applicationNumber !== applicationNumber)) return state
    const current = state ?? newApplication(applicationNumber)
    const linked = event.customerId
      ? write(current, 'customerId', event.entryId, { customerId: event.customerId }, 'first')
      : current
    const next = apply(linked, event)
    // A counted event always counts towards the last update, even when an older write lost.
    return next === state && !COUNTED.has(event.type) ? state : derive(next, event)
  },
  {
    counts: (event, state) =>
      COUNTED.has(event.type) &&
      event.applicationNumber !== undefined &&
      (!state || state.applicationNumber === event.applicationNumber),
    restamped: positioned,
  },
)
