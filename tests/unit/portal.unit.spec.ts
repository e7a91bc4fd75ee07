/** The customer portal's read model, given events → then records. */
import { describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import type { ChatEvent } from '@/events/types'
import { dashboard, fold, portal } from '@/projections'
import { dashboardFacts, disagreements, portalFacts } from '@/projections/agreement'
import type { PortalApplicationState } from '@/projections/portal/application'
import {
  applicationAnswerOf,
  ApplicationSchema,
  conversationAnswerOf,
  ConversationSchema,
} from '@/projections/portal/answers'
import { portalStatusOf, progressOf } from '@/projections/portal/status'

import { AID, at, CID, event, eventsOf, started, UID } from './given'

const applicationOf = (...events: ChatEvent[]) => fold(portal, events).portalApplications.get(AID)
const conversationOf = (...events: ChatEvent[]) => fold(portal, events).portalConversations.get(CID)

const stage = (stageName: string, complete: boolean) => ({ stageName, complete, steps: [] })

const snapshot = (id: string, seq: number, dat: object, minutes = seq) =>
  event(id, 'applicationDetail_changed', dat, { seq: String(seq), tsp: at(minutes) })

const loanDetails = {
  loanAmount: '2000.00',
  loanPurpose: 'Car repairs',
  loanTerm: 12,
  applicationProcess: {
    currentProcessStage: 'loan_details',
    currentProcessStep: 'loan_term',
    applicationProcessState: [
      stage('identity', true),
      stage('loan_details', false),
      stage('serviceability', false),
      stage('offer', false),
    ],
  },
  customer: {
    first_name: 'Jess',
    middle_name: 'May',
    last_name: 'Nguyen',
    email_address: { value: 'jess@example.com' },
    ekyc_status: 'pending',
    staff_flag: true,
  },
  customerIdentityDocuments: [
    {
      document_type: 'DRIVERS_LICENCE',
      document_number: '012345678',
      expiry_date: '2031-05-15',
      state_of_issue: 'NSW',
    },
  ],
}

describe('the portal application', () => {
  it('is created as a draft when a conversation opens with an application number', () => {
    expect(applicationOf(started('1-0'))).toMatchObject({
      applicationNumber: AID,
      customerId: UID,
      status: 'draft',
      progressPercentage: 0,
      outstanding: ['identity_document', 'identity_verification', 'bank_statements'],
      hasOutstanding: true,
      submittedAt: null,
    })
  })

  it('takes the loan, the customer’s name and email, the process and the documents from a snapshot', () => {
    expect(applicationOf(started('1-0'), snapshot('1-1', 2, loanDetails))).toMatchObject({
      status: 'submitted',
      currentStage: 'loan_details',
      currentStep: 'loan_term',
      progressPercentage: 25,
      loanAmount: 2000,
      loanFee: 100,
      loanTotalPayable: 2100,
      loanTerm: 12,
      loanPurpose: 'Car repairs',
      customerName: 'Jess May Nguyen',
      customerEmail: 'jess@example.com',
      documents: [
        {
          documentType: 'DRIVERS_LICENCE',
          documentSubtype: null,
          maskedNumber: '•••• 5678',
          expiryDate: '2031-05-15',
          state: 'received',
        },
      ],
      outstanding: ['identity_verification', 'bank_statements'],
      submittedAt: at(2),
      lastUpdateAt: at(2),
      position: '1-1',
    })
  })

  it('moves to under review when a lender check comes back, and says nothing of what it found', () => {
    const checked = applicationOf(
      started('1-0'),
      snapshot('1-1', 2, loanDetails),
      event('1-2', 'fraudCheck_results', { fraudScore: 91.5, result: 'FAIL' }, { seq: '3', tsp: at(3) }),
    )!
    expect(checked.status).toBe('under_review')
    expect(JSON.stringify(checked)).not.toMatch(/91\.5|FAIL|fraudScore/)
    expect(checked.position).toBe('1-2')
  })

  it('is decided by the outcome, the later of a snapshot’s outcome and final_decision', () => {
    const decided = applicationOf(
      started('1-0'),
      snapshot('1-1', 2, loanDetails),
      event('1-5', 'final_decision', { decision: 'Approved' }, { seq: '6', tsp: at(9) }),
    )!
    expect(decided).toMatchObject({ status: 'approved', decidedAt: at(9), outstanding: [], hasOutstanding: false })
    const withdrawn = applicationOf(
      started('1-0'),
      snapshot('1-1', 2, loanDetails),
      snapshot('1-6', 7, { applicationOutcome: 'withdrawn' }),
    )!
    expect(withdrawn).toMatchObject({ status: 'withdrawn', decidedAt: at(7) })
    // an older snapshot's "pending" arriving late does not undo the decision
    const late = applicationOf(
      started('1-0'),
      event('1-5', 'final_decision', { decision: 'declined' }, { seq: '6' }),
      snapshot('1-1', 2, { ...loanDetails, applicationOutcome: 'pending' }),
    )!
    expect(late.status).toBe('declined')
  })

  it('shows a verified identity, and needs nothing more once statements are in', () => {
    const verified = applicationOf(
      started('1-0'),
      snapshot('1-1', 2, loanDetails),
      snapshot('1-2', 3, { customer: { ekyc_status: 'successful' }, statementCaptureCompleted: true }),
    )!
    expect(verified.documents.map((document) => document.state)).toEqual(['verified'])
    expect(verified).toMatchObject({ outstanding: [], hasOutstanding: false, customerName: 'Jess May Nguyen' })
  })

  it('marks a document that had expired by the time of the snapshot, and then asks for one', () => {
    const expired = applicationOf(
      started('1-0'),
      snapshot('1-1', 2, {
        customerIdentityDocuments: [
          { document_type: 'PASSPORT', document_number: 'PA1234567', expiry_date: '2024-01-01' },
        ],
      }),
    )!
    expect(expired.documents).toEqual([expect.objectContaining({ documentType: 'PASSPORT', state: 'expired' })])
    expect(expired.outstanding).toContain('identity_document')
  })

  it('is the same whatever order its events arrive in, and however often', () => {
    const events = [
      started('1-0'),
      snapshot('1-1', 2, loanDetails),
      event('1-2', 'identityRisk_assessment', { riskScore: 12 }, { seq: '3', tsp: at(3) }),
      snapshot('1-3', 4, { customer: { ekyc_status: 'successful' }, statementCaptureCompleted: true }),
      event('1-4', 'final_decision', { decision: 'APPROVED' }, { seq: '5', tsp: at(5) }),
    ]
    const inOrder = applicationOf(...events)
    expect(applicationOf(...[...events].reverse())).toEqual(inOrder)
    expect(applicationOf(...events, ...events)).toEqual(inOrder)
  })

  it('ignores the noticeboard and the transcript', () => {
    const quiet = applicationOf(started('1-0'))
    expect(
      applicationOf(
        started('1-0'),
        event('1-1', 'noticeboard_updated', { agentName: 'FraudAgent', content: 'Suspicious' }, { seq: '2' }),
        event('1-2', 'user_input', { u: 'hello' }, { seq: '3' }),
      ),
    ).toEqual(quiet)
  })
})

describe('the status a customer sees', () => {
  it.each([
    ['approved', { outcome: 'approved', checked: true, loanAmount: 1 }],
    ['declined', { outcome: 'declined', checked: false, loanAmount: null }],
    ['withdrawn', { outcome: 'withdrawn', checked: true, loanAmount: 1 }],
    ['under_review', { outcome: 'pending', checked: true, loanAmount: null }],
    ['under_review', { outcome: 'pending', checked: true, loanAmount: 1 }],
    ['submitted', { outcome: 'pending', checked: false, loanAmount: 500 }],
    ['draft', { outcome: 'pending', checked: false, loanAmount: null }],
  ] as const)('is %s for %j', (status, facts) => {
    expect(portalStatusOf(facts)).toBe(status)
  })

  it('counts progress as stages complete out of stages, to the whole percent', () => {
    expect(progressOf([])).toBe(0)
    expect(progressOf([stage('a', true), stage('b', false), stage('c', false)])).toBe(33)
    expect(progressOf([stage('a', true), stage('b', true)])).toBe(100)
  })
})

describe('the portal conversation', () => {
  it('keeps the last thing either side said, when, how many lines, and whether the chat is open', () => {
    const conversation = conversationOf(
      started('1-0'),
      event(
        '1-1',
        'assistant_response',
        { u: 'How much would you like?', r: 'Collecting amount' },
        { seq: '2', tsp: at(1) },
      ),
      event('1-2', 'user_input', { u: '$2,000 please' }, { seq: '3', tsp: at(2) }),
    )
    expect(conversation).toMatchObject({
      conversationId: CID,
      applicationNumber: AID,
      customerId: UID,
      status: 'active',
      lastMessage: '$2,000 please',
      lastMessageFrom: 'customer',
      lastMessageAt: at(2),
      messageCount: 2,
      startedAt: at(0),
      lastActivityAt: at(2),
      position: '1-2',
    })
    expect(JSON.stringify(conversation)).not.toContain('Collecting amount')
  })

  it('is completed when the chat ends or is decided, and has the summary’s purpose', () => {
    const ended = conversationOf(started('1-0'), event('1-1', 'user_input', { u: 'Bye', e: true }, { seq: '2' }))
    expect(ended?.status).toBe('completed')
    const decided = conversationOf(
      started('1-0'),
      event(
        '1-1',
        'conversation_summary',
        { conversation_purpose: 'A car loan', conversation_facts: [] },
        { seq: '2' },
      ),
      event('1-2', 'final_decision', { decision: 'declined' }, { seq: '3' }),
    )
    expect(decided).toMatchObject({ status: 'completed', purpose: 'A car loan' })
  })

  it('counts a line once however often it is delivered or retried', () => {
    const line = (id: string) => event(id, 'user_input', { u: 'Jess' }, { seq: '2' })
    expect(conversationOf(started('1-0'), line('1-1'), line('1-1'), line('1-2'))?.messageCount).toBe(1)
  })
})

describe('nothing internal in the portal’s records', () => {
  it('holds no rationale, assessment, noticeboard note or staff flag from a whole generated corpus', () => {
    const corpus = generateCorpus({ conversations: 30, seed: 4, retries: 5 })
    const { portalApplications, portalConversations } = fold(portal, eventsOf(corpus))
    const text = JSON.stringify([...portalApplications.values(), ...portalConversations.values()])
    const internal = new Set<string>()
    for (const entry of corpus) {
      const dat = entry.dat ? (JSON.parse(entry.dat) as Record<string, unknown>) : {}
      if (entry.typ === 'noticeboard_updated') internal.add(String(dat.content))
      if (entry.typ === 'assistant_response' && (dat.rationale ?? dat.r)) internal.add(String(dat.rationale ?? dat.r))
    }
    for (const secret of internal) expect(text).not.toContain(secret)
    for (const field of [
      'riskScore',
      'fraudScore',
      'serviceable',
      'staffFlag',
      'rationale',
      'noticeboard',
      'assessments',
    ]) {
      expect(text).not.toContain(`"${field}"`)
    }
    const applications: PortalApplicationState[] = [...portalApplications.values()]
    expect(applications.length).toBeGreaterThan(20)
  })
})

describe('the portal’s answers, made when a record is written', () => {
  const { portalApplications, portalConversations } = fold(
    portal,
    eventsOf(generateCorpus({ conversations: 30, seed: 5 })),
  )

  it('are, for every record of a generated corpus, the record’s fields in the API’s shape and nothing else', () => {
    const kinds = [
      [ApplicationSchema, [...portalApplications.values()], applicationAnswerOf],
      [ConversationSchema, [...portalConversations.values()], conversationAnswerOf],
    ] as const
    for (const [schema, records, answerOf] of kinds) {
      expect(records.length).toBeGreaterThan(20)
      for (const record of records as unknown as Array<Record<string, unknown>>) {
        const answer = JSON.parse((answerOf as (state: unknown) => string)(record)) as Record<string, unknown>
        // Exactly the shape's fields, each as the record holds it, and valid by the shape
        expect(Object.keys(answer).sort()).toEqual(Object.keys(schema.shape).sort())
        for (const [field, value] of Object.entries(answer)) expect(value, field).toEqual(record[field] ?? null)
        expect(() => schema.strict().parse(answer)).not.toThrow()
      }
    }
  })

  it('leaves out an application no customer can ask for (its customer not yet known)', () => {
    const [application] = portalApplications.values()
    expect(applicationAnswerOf({ ...application!, customerId: null })).toBeNull()
  })

  it('refuses a record that does not fit the API’s shape, so that it is never stored', () => {
    const [application] = portalApplications.values()
    expect(() => applicationAnswerOf({ ...application!, progressPercentage: 140 })).toThrow(/progressPercentage/)
  })
})

describe('the two projections’ shared facts', () => {
  it('are the same in both for every application of a generated corpus, each folded on its own', () => {
    const events = eventsOf(generateCorpus({ conversations: 40, seed: 9, retries: 8 }))
    const { applications } = fold(dashboard, events)
    const { portalApplications } = fold(portal, events)
    expect([...portalApplications.keys()].sort()).toEqual([...applications.keys()].sort())
    for (const [number, application] of applications) {
      const facts = dashboardFacts(application as unknown as Record<string, unknown>)
      const portalSide = portalFacts(portalApplications.get(number) as unknown as Record<string, unknown>)
      expect(disagreements(facts, portalSide), number).toEqual([])
    }
  })
})
