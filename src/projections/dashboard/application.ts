import {
  APPLICATION_EVENT_TYPES,
  type ApplicationDetailChanged,
  type ApplicationOutcome,
  type AssessmentEvent,
  type AssessmentEventType,
  type ChatEvent,
  type JsonObject,
  type NoticeboardUpdated,
  type ProcessSnapshot,
  type ProcessStage,
} from '@/events/types'

import { compareEntryIds } from '@/events/entryId'
import { ownValue } from '@/events/ownValue'

import { charges } from '../loan'
import { type Noticeboard, pin, type PostIds } from './noticeboard'
import type { AppliedEvents } from '../appliedEvents'
import { applyingEachEventOnce } from '../define'
import { earliest, type Stamps, withKey, write, writeField, writeFields } from '../registers'
import { applicationOf } from './keys'

export type ApplicationProcess = {
  currentProcessStage: string | null
  currentProcessStep: string | null
  startedAt: string | null
  updatedAt: string | null
  /** Since when the current step has been current: the earliest snapshot naming it. */
  currentStepSince: string | null
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
  applied?: AppliedEvents
  /** Entry ids of each agent's noticeboard posts (see noticeboard.ts). */
  notes: PostIds
  /** Per `stage/step`, the earliest snapshot that named it current. */
  steps?: Record<string, string>
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
    currentStepSince: null,
    applicationProcessState: [],
  },
  assessments: { identityRisk: null, serviceability: null, fraudCheck: null },
  noticeboard: [],
  projection: { stamps: {}, notes: {} },
})

/** The events that count for an application: its own, and the decision. */
const APPLICATION_TYPES: ReadonlySet<ChatEvent['type']> = new Set([...APPLICATION_EVENT_TYPES, 'final_decision'])

const stepKey = (stage: string | null, step: string | null) => `${stage ?? ''}/${step ?? ''}`

/**
 * The process as of the latest snapshot (last writer wins), except `startedAt`, the earliest
 * start any snapshot states or implies (its own timestamp), and `currentStepSince`, the
 * earliest snapshot that named the current step: each snapshot adds what it saw, in any order.
 */
function applyProcess(
  state: ApplicationState,
  process: ProcessSnapshot,
  event: ApplicationDetailChanged,
): ApplicationState {
  const startedAt = earliest(state.applicationProcess.startedAt, process.startedAt ?? event.timestamp)
  const seenStep = stepKey(process.currentProcessStage, process.currentProcessStep)
  const steps = state.projection.steps ?? {}
  const seenSince = earliest(steps[seenStep] ?? null, event.timestamp)
  const counted =
    steps[seenStep] === seenSince
      ? state
      : { ...state, projection: { ...state.projection, steps: withKey(steps, seenStep, seenSince) } }
  const written = write(counted, 'applicationProcess', event.entryId, {
    applicationProcess: {
      ...process,
      startedAt,
      updatedAt: process.updatedAt ?? event.timestamp,
      currentStepSince: state.applicationProcess.currentStepSince,
    },
  })
  const { currentProcessStage, currentProcessStep } = written.applicationProcess
  const currentStepSince = written.projection.steps?.[stepKey(currentProcessStage, currentProcessStep)] ?? null
  const current = written.applicationProcess
  if (current.startedAt === startedAt && current.currentStepSince === currentStepSince) return written
  return { ...written, applicationProcess: { ...current, startedAt, currentStepSince } }
}

/** Each field the snapshot states is its own register: a partial snapshot leaves the rest alone. */
function applySnapshot(state: ApplicationState, event: ApplicationDetailChanged): ApplicationState {
  const snapshot = { ...event.data, ...charges(event.data) }
  const fields: Partial<Record<LoanField | 'applicationOutcome', unknown>> = {}
  for (const field of LOAN_FIELDS) fields[field] = snapshot[field]
  if (snapshot.applicationOutcome) fields.applicationOutcome = snapshot.applicationOutcome
  const decided = writeFields(state, event.entryId, fields as Partial<ApplicationState>)
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
export const evolveApplication = applyingEachEventOnce<ApplicationState>(
  (state, event) => {
    const applicationNumber = applicationOf(event)
    if (applicationNumber === undefined || (state && state.applicationNumber !== applicationNumber)) return state
    const current = state ?? newApplication(applicationNumber)
    const { customerId } = event
    const linked = customerId ? write(current, 'customerId', event.entryId, { customerId }, 'first') : current
    return apply(linked, event)
  },
  {
    counts: (event, state) =>
      APPLICATION_TYPES.has(event.type) &&
      event.applicationNumber !== undefined &&
      (!state || state.applicationNumber === event.applicationNumber),
    held: {
      // A retried post's copy: the same agent, content and time, later in the stream.
      laterCopyOf: (state, event) => {
        if (event.type !== 'noticeboard_updated') return undefined
        const ids = ownValue(state.projection.notes, event.data.agentName) ?? []
        const note = state.noticeboard.find((candidate) => candidate.agentName === event.data.agentName)
        const posts = note ? [...note.versions, { content: note.content, timestamp: note.timestamp }] : []
        const index = posts.findIndex(
          (posted, at) =>
            posted.content === event.data.content &&
            posted.timestamp === event.timestamp &&
            compareEntryIds(ids[at]!, event.entryId) > 0,
        )
        return index === -1 ? undefined : ids[index]
      },
      rename: (state, from, to) => ({
        ...state,
        projection: {
          ...state.projection,
          notes: Object.fromEntries(
            Object.entries(state.projection.notes).map(([agent, ids]) => [
              agent,
              ids.map((id) => (id === from ? to : id)),
            ]),
          ),
        },
      }),
    },
  },
)
