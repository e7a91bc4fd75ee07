import { describe, expect, it } from 'vitest'

import { evolveApplication } from '@/projections'
import { attentionSignalsOf } from '@/projections/dashboard/signals'

import { AID, at, event, fold, UID } from './given'

const snapshot = (id: string, dat: object, minutes = 0) =>
  event(id, 'applicationDetail_changed', dat, { tsp: at(minutes) })
const posted = (id: string, agentName: string, content: string, minutes: number) =>
  event(id, 'noticeboard_updated', { agentName, content }, { tsp: at(minutes) })

const applicationOf = (...events: Parameters<typeof fold>[1]) => fold(evolveApplication, events)

describe('applications', () => {
  it('a snapshot fills the application; a missing fee is 5% of the amount and the total is amount + fee', () => {
    const application = applicationOf(
      snapshot('1-1', {
        loanAmount: '5000.00',
        loanTerm: 12,
        loanPurpose: 'Car repairs',
        customerAttestationAcceptance: true,
        statementCaptureConsentProvided: true,
        statementCaptureCompleted: false,
        productOfferAcceptance: false,
      }),
    )
    expect(application).toMatchObject({
      applicationNumber: AID,
      customerId: UID,
      loanAmount: 5000,
      loanFee: 250,
      loanTotalPayable: 5250,
      loanTerm: 12,
      loanPurpose: 'Car repairs',
      customerAttestationAcceptance: true,
      statementCaptureConsentProvided: true,
      statementCaptureCompleted: false,
      productOfferAcceptance: false,
      applicationOutcome: 'pending',
    })
  })

  it('rounds a derived fee to the cent, and keeps a stated fee and total', () => {
    expect(applicationOf(snapshot('1-1', { loanAmount: 1234.57 }))).toMatchObject({
      loanFee: 61.73,
      loanTotalPayable: 1296.3,
    })
    expect(applicationOf(snapshot('1-1', { loanAmount: 1000, loanFee: '30.00' }))).toMatchObject({
      loanFee: 30,
      loanTotalPayable: 1030,
    })
    expect(applicationOf(snapshot('1-1', { loanAmount: 1000, loanFee: 30, loanTotalPayable: 1100 }))).toMatchObject({
      loanTotalPayable: 1100,
    })
  })

  it('an older snapshot arriving after a newer one does not overwrite it', () => {
    const newer = snapshot('1-9', { loanAmount: 3000, loanPurpose: 'Dental work' })
    const older = snapshot('1-2', { loanAmount: 800, loanPurpose: 'Vet bills', loanTerm: 6 })
    const application = applicationOf(newer, older)
    expect(application).toMatchObject({ loanAmount: 3000, loanFee: 150, loanPurpose: 'Dental work' })
    // A field only the older snapshot states still counts: the same as folding in stream order.
    expect(application?.loanTerm).toBe(6)
    expect(application).toEqual(applicationOf(older, newer))
  })

  it('a partial snapshot leaves the fields it does not state alone; null clears one', () => {
    const application = applicationOf(
      snapshot('1-1', { loanAmount: 2000, loanPurpose: 'Holiday', productOfferAcceptance: true }),
      snapshot('1-2', { loanPurpose: null }),
    )
    expect(application).toMatchObject({ loanAmount: 2000, loanPurpose: null, productOfferAcceptance: true })
  })

  it('keeps the latest process, started at the earliest snapshot', () => {
    const process = (stage: string) => ({
      currentProcessStage: stage,
      currentProcessStep: 'first',
      applicationProcessState: [{ stageName: stage, steps: [{ stepName: 'first' }] }],
    })
    const application = applicationOf(
      snapshot('1-5', { applicationProcess: process('loan_details') }, 10),
      snapshot('1-1', { applicationProcess: process('identity') }, 2),
    )
    expect(application?.applicationProcess).toMatchObject({
      currentProcessStage: 'loan_details',
      startedAt: at(2),
      updatedAt: at(10),
      applicationProcessState: [
        { stageName: 'loan_details', complete: false, steps: [{ stepName: 'first', complete: false }] },
      ],
    })
  })

  it('each assessment lands in its slot as sent; an older one does not replace a newer', () => {
    const identityRisk = { riskScore: 23, riskBand: 'LOW' }
    const serviceability = { netMonthlySurplus: 1200, serviceable: true }
    const application = applicationOf(
      event('1-1', 'identityRisk_assessment', identityRisk),
      event('1-2', 'serviceability_assessment_results', serviceability),
      event('1-4', 'fraudCheck_results', { fraudScore: 12.5, result: 'PASS' }),
      event('1-3', 'fraudCheck_results', { fraudScore: 99, result: 'FAIL' }),
    )
    expect(application?.assessments).toEqual({
      identityRisk,
      serviceability,
      fraudCheck: { fraudScore: 12.5, result: 'PASS' },
    })
  })

  it('keeps one noticeboard note per agent, earlier contents in its versions, oldest first', () => {
    const application = applicationOf(
      posted('1-1', 'FraudAgent', 'Score 12', 1),
      posted('1-2', 'ServiceabilityAgent', 'Surplus $900', 2),
      posted('1-3', 'FraudAgent', 'Score 14 after device check', 3),
      posted('1-4', 'FraudAgent', 'Cleared', 4),
    )
    expect(application?.noticeboard).toEqual([
      {
        agentName: 'FraudAgent',
        content: 'Cleared',
        timestamp: at(4),
        versions: [
          { content: 'Score 12', timestamp: at(1) },
          { content: 'Score 14 after device check', timestamp: at(3) },
        ],
      },
      { agentName: 'ServiceabilityAgent', content: 'Surplus $900', timestamp: at(2), versions: [] },
    ])
  })

  it('a late post slots in among the versions; a repeated post is ignored', () => {
    const inOrder = [posted('1-1', 'A', 'one', 1), posted('1-2', 'A', 'two', 2), posted('1-3', 'A', 'three', 3)]
    const late = applicationOf(inOrder[0]!, inOrder[2]!, inOrder[1]!, inOrder[2]!)
    expect(late?.noticeboard).toEqual([
      {
        agentName: 'A',
        content: 'three',
        timestamp: at(3),
        versions: [
          { content: 'one', timestamp: at(1) },
          { content: 'two', timestamp: at(2) },
        ],
      },
    ])
    expect(late).toEqual(applicationOf(...inOrder))
  })

  it('keeps the notes of agents named like what every object inherits, as any other agent’s', () => {
    const names = ['constructor', '__proto__', 'toString']
    const posts = names.flatMap((name, index) => [
      posted(`1-${2 * index + 1}`, name, `${name} first`, 2 * index + 1),
      posted(`1-${2 * index + 2}`, name, `${name} second`, 2 * index + 2),
    ])
    // (each post twice: the second copy changes nothing)
    const application = applicationOf(...posts, ...posts)
    expect(application?.noticeboard).toEqual(
      names.map((name, index) => ({
        agentName: name,
        content: `${name} second`,
        timestamp: at(2 * index + 2),
        versions: [{ content: `${name} first`, timestamp: at(2 * index + 1) }],
      })),
    )
    expect(application).toEqual(applicationOf(...[...posts].reverse()))
  })

  it('final_decision sets the outcome; it is last-writer-wins with the snapshot’s outcome', () => {
    expect(
      applicationOf(
        snapshot('1-1', { applicationOutcome: 'pending' }),
        event('1-2', 'final_decision', { decision: 'APPROVED' }),
      )?.applicationOutcome,
    ).toBe('approved')
    expect(
      applicationOf(
        event('1-2', 'final_decision', { decision: 'approved' }),
        snapshot('1-3', { applicationOutcome: 'WITHDRAWN' }),
      )?.applicationOutcome,
    ).toBe('withdrawn')
    expect(
      applicationOf(
        event('1-2', 'final_decision', { decision: 'Declined' }),
        snapshot('1-1', { applicationOutcome: 'pending' }),
      )?.applicationOutcome,
    ).toBe('declined')
  })

  it('any event naming the application creates it; the first customer named is linked', () => {
    const application = applicationOf(
      event('1-5', 'user_input', { u: 'Hi' }, { uid: 'CUS-0000099' }),
      event('1-3', 'conversation_started', undefined, { uid: UID }),
    )
    expect(application).toMatchObject({
      applicationNumber: AID,
      customerId: UID,
      applicationOutcome: 'pending',
      loanAmount: null,
    })
  })

  it('an event applied twice changes nothing the second time', () => {
    const changed = snapshot('1-1', { loanAmount: 900 })
    const note = posted('1-2', 'A', 'x', 1)
    const once = applicationOf(changed, note)
    expect(evolveApplication(once, changed)).toBe(once)
    expect(evolveApplication(once, note)).toBe(once)
  })

  it('is not touched by events of other applications or without one', () => {
    const application = applicationOf(snapshot('1-1', { loanAmount: 900 }))
    expect(evolveApplication(application, event('1-2', 'fraudCheck_results', { x: 1 }, { aid: 'APP-000999' }))).toBe(
      application,
    )
    expect(evolveApplication(undefined, event('1-3', 'user_input', { u: 'Hi' }, { aid: undefined }))).toBeUndefined()
  })

  it('knows since when the current step has been current: the earliest snapshot naming it, in any order', () => {
    const at_ = (stage: string, step: string) => ({
      applicationProcess: { currentProcessStage: stage, currentProcessStep: step, applicationProcessState: [] },
    })
    const events = [
      snapshot('1-1', at_('identity', 'name'), 1),
      snapshot('1-2', at_('loan_details', 'loan_amount'), 5),
      snapshot('1-3', at_('loan_details', 'loan_amount'), 9),
    ]
    const application = applicationOf(...events)
    expect(application?.applicationProcess).toMatchObject({
      currentProcessStep: 'loan_amount',
      currentStepSince: at(5),
    })
    expect(applicationOf(...[...events].reverse())).toEqual(application)
  })

  it('gives the attention rules its risk, fraud result, serviceability and step', () => {
    const application = applicationOf(
      event('1-1', 'identityRisk_assessment', { riskScore: 88, riskBand: 'high' }),
      event('1-2', 'fraudCheck_results', { result: 'review', fraudScore: 70 }),
      event('1-3', 'serviceability_assessment_results', { serviceable: false }),
      snapshot(
        '1-4',
        {
          applicationProcess: {
            currentProcessStage: 'offer',
            currentProcessStep: 'decision',
            applicationProcessState: [],
          },
        },
        4,
      ),
    )!
    expect(attentionSignalsOf(application)).toEqual({
      identityRiskScore: 88,
      identityRiskBand: 'HIGH',
      fraudResult: 'REVIEW',
      serviceable: false,
      currentStep: 'decision',
      stepSince: at(4),
    })
    // an assessment of another shape gives no signal rather than a wrong one
    expect(
      attentionSignalsOf(applicationOf(event('2-1', 'identityRisk_assessment', { riskScore: 'high' }))!),
    ).toMatchObject({
      identityRiskScore: null,
      fraudResult: null,
    })
  })
})
