/**
 * A producer may retry an XADD: the same event (same cid, typ and seq) then stands twice in the
 * stream under two entry ids. For every event type and both projections: the event, then its
 * retry, gives exactly the records the event alone gives; so does the retry arriving first (a
 * reclaimed batch); and a retry never undoes a later write that lies between the copies.
 */
import { describe, expect, it } from 'vitest'

import type { ChatEvent } from '@/events/types'
import { dashboard, fold, type Projection, PROJECTIONS } from '@/projections'

import { at, event } from './given'

const snapshot = (loanAmount: string, first = 'Jess') => ({
  loanAmount,
  loanPurpose: 'Car repairs',
  applicationOutcome: 'pending',
  applicationProcess: {
    currentProcessStage: 'identity',
    currentProcessStep: 'name',
    applicationProcessState: [{ stageName: 'identity', complete: false, steps: [] }],
  },
  customer: { first_name: first, last_name: 'Nguyen', email_address: { value: 'jess@example.com' } },
  customerIdentityDocuments: [{ document_type: 'PASSPORT', document_number: 'PA1234567' }],
})

/** One event of each type, as the producer first sends it (seq 2 … 11). */
const EVENTS: Array<[string, (id: string) => ChatEvent]> = [
  ['conversation_started', (id) => event(id, 'conversation_started', undefined, { seq: '2', tsp: at(0) })],
  ['user_input', (id) => event(id, 'user_input', { u: 'My name is Jess' }, { seq: '3', tsp: at(1) })],
  [
    'assistant_response',
    (id) => event(id, 'assistant_response', { u: 'What is your name?' }, { seq: '4', tsp: at(2) }),
  ],
  ['applicationDetail_changed', (id) => event(id, 'applicationDetail_changed', snapshot('2000.00'), { seq: '5' })],
  ['identityRisk_assessment', (id) => event(id, 'identityRisk_assessment', { riskScore: 40 }, { seq: '6' })],
  [
    'serviceability_assessment_results',
    (id) => event(id, 'serviceability_assessment_results', { serviceable: true }, { seq: '7' }),
  ],
  ['fraudCheck_results', (id) => event(id, 'fraudCheck_results', { result: 'PASS', fraudScore: 3 }, { seq: '8' })],
  [
    'noticeboard_updated',
    (id) => event(id, 'noticeboard_updated', { agentName: 'FraudAgent', content: 'Score 3' }, { seq: '9' }),
  ],
  ['final_decision', (id) => event(id, 'final_decision', { decision: 'APPROVED' }, { seq: '10', tsp: at(9) })],
  [
    'conversation_summary',
    (id) =>
      event(id, 'conversation_summary', { conversation_purpose: 'Car', conversation_facts: ['a'] }, { seq: '11' }),
  ],
]

/** A later write to the same register as the event, between its two copies in the stream. */
const OVERWRITES: Record<string, (id: string) => ChatEvent> = {
  applicationDetail_changed: (id) =>
    event(id, 'applicationDetail_changed', snapshot('3500.00', 'Jessica'), { seq: '20' }),
  identityRisk_assessment: (id) => event(id, 'identityRisk_assessment', { riskScore: 90 }, { seq: '20' }),
  serviceability_assessment_results: (id) =>
    event(id, 'serviceability_assessment_results', { serviceable: false }, { seq: '20' }),
  fraudCheck_results: (id) => event(id, 'fraudCheck_results', { result: 'FAIL' }, { seq: '20' }),
  noticeboard_updated: (id) =>
    event(id, 'noticeboard_updated', { agentName: 'FraudAgent', content: 'Now 90' }, { seq: '20' }),
  final_decision: (id) => event(id, 'final_decision', { decision: 'DECLINED' }, { seq: '20' }),
  conversation_summary: (id) =>
    event(id, 'conversation_summary', { conversation_purpose: 'Boat', conversation_facts: ['b'] }, { seq: '20' }),
}

/** A conversation with its application and customer already known, so each event lands on records that exist. */
const context = () => [
  event('1-0', 'conversation_started', undefined, { seq: '1', tsp: at(0) }),
  event('1-1', 'applicationDetail_changed', snapshot('1000.00'), { seq: '1' }),
]

const records = (projection: Projection, events: ChatEvent[]) =>
  JSON.parse(
    JSON.stringify(
      Object.fromEntries(Object.entries(fold(projection, events)).map(([kind, map]) => [kind, [...map].sort()])),
    ),
  ) as unknown

describe.each(Object.values(PROJECTIONS).map((projection) => [projection.name, projection] as const))(
  'the %s projection, given a producer’s retry',
  (_name, projection) => {
    it.each(EVENTS)('%s: the event, then its retry, equals the event alone', (_type, make) => {
      const alone = records(projection, [...context(), make('5-0')])
      expect(records(projection, [...context(), make('5-0'), make('5-1')])).toEqual(alone)
    })

    it.each(EVENTS)('%s: the retry seen first (a reclaimed batch) still equals the event alone', (_type, make) => {
      const alone = records(projection, [...context(), make('5-0')])
      expect(records(projection, [...context(), make('5-1'), make('5-0')])).toEqual(alone)
    })

    it.each(Object.entries(OVERWRITES))(
      '%s: a retry does not undo a later write between the copies',
      (type, overwrite) => {
        const make = EVENTS.find(([name]) => name === type)![1]
        const inOrder = records(projection, [...context(), make('5-0'), overwrite('5-1')])
        expect(records(projection, [...context(), make('5-0'), overwrite('5-1'), make('5-2')])).toEqual(inOrder)
      },
    )
  },
)

describe('what a retry would have duplicated before it counted once', () => {
  it('a noticeboard post retried is one version, not two', () => {
    const post = (id: string) =>
      event(id, 'noticeboard_updated', { agentName: 'FraudAgent', content: 'Score 3' }, { seq: '9' })
    const { applications } = fold(dashboard, [...context(), post('5-0'), post('5-1')])
    const [application] = [...applications.values()]
    expect(application?.noticeboard).toEqual([
      { agentName: 'FraudAgent', content: 'Score 3', timestamp: at(0), versions: [] },
    ])
  })

  it('a decision retried after a later snapshot declined it does not approve the application again', () => {
    const approve = (id: string) => event(id, 'final_decision', { decision: 'APPROVED' }, { seq: '10' })
    const decline = event('5-1', 'applicationDetail_changed', { applicationOutcome: 'declined' }, { seq: '12' })
    const { applications } = fold(dashboard, [...context(), approve('5-0'), decline, approve('5-2')])
    expect([...applications.values()][0]?.applicationOutcome).toBe('declined')
  })
})
