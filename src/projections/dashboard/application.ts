import type {
  ApplicationDetailChanged,
  ApplicationOutcome,
  ApplicationSnapshot,
  AssessmentEvent,
  AssessmentEventType,
  ChatEvent,
  JsonObject,
  NoticeboardUpdated,
  ProcessSnapshot,
  ProcessStage,
} from '@/events/types'

import { type Noticeboard, pin, type PostIds } from './noticeboard'
import { earliest, type Stamps, write, writeField } from '../registers'
import { applicationOf } from './touches'

export type ApplicationProcess = {
  currentProcessStage: string | null
  currentProcessStep: string | null
  startedAt: string | null
  updatedAt: string | null
  applicationProcessState: ProcessStage[]
}

export type Assessments = {
  identityRisk: JsonObject | null
  serviceability: JsonObject | null
  fraudCheck: JsonObject | null
}

const LOAN_FIELDS = [
  'loanPurpose',
  'loanAmount',
  'loanFee',
  'loanTotalPayable',
  'loanTerm',
  'customerAttestationAcceptance',
  'statementCaptureConsentProvided',
  'statementCaptureCompleted',
  'productOfferAcceptance',
] as const
type LoanField = (typeof LOAN_FIELDS)[number]

type ApplicationRegister = 'customerId' | LoanField | 'applicationOutcome' | 'applicationProcess' | keyof Assessments

/** Stored in the record's hidden `projection` field. */
export type ApplicationBookkeeping = {
  stamps: Stamps<ApplicationRegister>
  /** Entry ids of each agent's noticeboard posts (see noticeboard.ts). */
  notes: PostIds
}

/** An `applications` record: the collection's fields, plus `projection`. */
export type ApplicationState = {
  applicationNumber: string
  /** The customer's business key; the worker links the `customer` relationship from it. */
  customerId: string | null
  loanPurpose: string | null
  loanAmount: number | null
  loanFee: number | null
  loanTotalPayable: number | null
  loanTerm: number | null
  customerAttestationAcceptance: boolean | null
  statementCaptureConsentProvided: boolean | null
  statementCaptureCompleted: boolean | null
  productOfferAcceptance: boolean | null
  applicationOutcome: ApplicationOutcome
  applicationProcess: ApplicationProcess
  assessments: Assessments
  noticeboard: Noticeboard
  projection: ApplicationBookkeeping
}

const newApplication = (applicationNumber: string): ApplicationState => ({
  applicationNumber,
  customerId: null,
  loanPurpose: null,
  loanAmount: null,
  loanFee: null,
  loanTotalPayable: null,
  loanTerm: null,
  customerAttestationAcceptance: null,
  statementCaptureConsentProvided: null,
  statementCaptureCompleted: null,
  productOfferAcceptance: null,
  applicationOutcome: 'pending',
  applicationProcess: {
    currentProcessStage: null,
    currentProcessStep: null,
    startedAt: null,
    updatedAt: null,
    applicationProcessState: [],
  },
  assessments: { identityRisk: null, serviceability: null, fraudCheck: null },
  noticeboard: [],
  projection: { stamps: {}, notes: {} },
})

const FEE_PERCENT = 5
const toCents = (amount: number) => Math.round(amount * 100)

/**
 * A snapshot's fee and total: as stated, else 5% of the amount (to the cent) and amount + fee.
 * Derived per snapshot, so which snapshot holds each field stays a matter of entry ids only.
 */
function charges({
  loanAmount,
  loanFee,
  loanTotalPayable,
}: ApplicationSnapshot): Pick<ApplicationSnapshot, 'loanFee' | 'loanTotalPayable'> {
  const amount = loanAmount ?? undefined
  const fee = loanFee ?? (amount === undefined ? undefined : Math.round((toCents(amount) * FEE_PERCENT) / 100) / 100)
  const total =
    loanTotalPayable ?? (amount === undefined || fee === undefined ? undefined : (toCents(amount) + toCents(fee)) / 100)
  return { loanFee: fee, loanTotalPayable: total }
}

/**
 * The process as of the latest snapshot (last writer wins), except `startedAt`: the earliest
 * start any snapshot states or implies (its own timestamp).
 */
function applyProcess(
  state: ApplicationState,
  process: ProcessSnapshot,
  event: ApplicationDetailChanged,
): ApplicationState {
  const startedAt = earliest(state.applicationProcess.startedAt, process.startedAt ?? event.timestamp)
  const written = write(state, 'applicationProcess', event.entryId, {
    applicationProcess: { ...process, startedAt, updatedAt: process.updatedAt ?? event.timestamp },
  })
  if (written.applicationProcess.startedAt === startedAt) return written
  return { ...written, applicationProcess: { ...written.applicationProcess, startedAt } }
}

/** Each field the snapshot states is its own register: a partial snapshot leaves the rest alone. */
function applySnapshot(state: ApplicationState, event: ApplicationDetailChanged): ApplicationState {
  const snapshot = { ...event.data, ...charges(event.data) }
  const loan = LOAN_FIELDS.reduce(
    (next, field) => (snapshot[field] === undefined ? next : writeField(next, field, event.entryId, snapshot[field])),
    state,
  )
  const decided = snapshot.applicationOutcome
    ? writeField(loan, 'applicationOutcome', event.entryId, snapshot.applicationOutcome)
    : loan
  return snapshot.applicationProcess ? applyProcess(decided, snapshot.applicationProcess, event) : decided
}

const ASSESSMENT_SLOT = {
  identityRisk_assessment: 'identityRisk',
  serviceability_assessment_results: 'serviceability',
  fraudCheck_results: 'fraudCheck',
} as const satisfies Record<AssessmentEventType, keyof Assessments>

function assess(state: ApplicationState, event: AssessmentEvent): ApplicationState {
  const slot = ASSESSMENT_SLOT[event.type]
  const assessments: Assessments = { ...state.assessments }
  assessments[slot] = event.data
  return write(state, slot, event.entryId, { assessments })
}

function post(state: ApplicationState, event: NoticeboardUpdated): ApplicationState {
  const pinned = pin(state.noticeboard, state.projection.notes, {
    ...event.data,
    timestamp: event.timestamp,
    entryId: event.entryId,
  })
  if (!pinned) return state
  return { ...state, noticeboard: pinned.board, projection: { ...state.projection, notes: pinned.postIds } }
}

function apply(state: ApplicationState, event: ChatEvent): ApplicationState {
  switch (event.type) {
    case 'applicationDetail_changed':
      return applySnapshot(state, event)
    case 'identityRisk_assessment':
    case 'serviceability_assessment_results':
    case 'fraudCheck_results':
      return assess(state, event)
    case 'noticeboard_updated':
      return post(state, event)
    case 'final_decision':
      return writeField(state, 'applicationOutcome', event.entryId, event.data.decision)
    default:
      return state
  }
}

/**
 * The application after `event`; `state` itself when the event changes nothing. Any event
 * naming the application creates it; the first event naming its customer links it. The
 * outcome is last-writer-wins between snapshots and final_decision.
 */
export function evolveApplication(state: ApplicationState | undefined, event: ChatEvent): ApplicationState | undefined {
  const applicationNumber = applicationOf(event)
  if (applicationNumber === undefined || (state && state.applicationNumber !== applicationNumber)) return state
  const current = state ?? newApplication(applicationNumber)
  const { customerId } = event
  const linked = customerId ? write(current, 'customerId', event.entryId, { customerId }, 'first') : current
  return apply(linked, event)
}
