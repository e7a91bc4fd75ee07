import { describe, expect, it } from 'vitest'

import { compareEntryIds } from '@/events/entryId'
import { generateCorpus, generateLongConversation } from '@/events/generate'
import { type Random, seededRandom } from '@/events/random'
import type { ChatEvent } from '@/events/types'
import {
  changed,
  changedFields,
  evolveApplication,
  evolveConversation,
  evolveCustomer,
  firstCopy,
  foldAll,
  type Projections,
  toUtterance,
  touches,
} from '@/projections'

import { AID, at, CID, event, eventsOf, UID } from './given'

/** Every record as canonical JSON, sorted by key: equal projections give equal text. */
const canonical = (projections: Projections) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(projections).map(([name, records]: [string, Map<string, unknown>]) => [
        name,
        [...records].sort(([a], [b]) => (a < b ? -1 : 1)),
      ]),
    ),
  )

/** Record by record first, for a readable diff; then as text, which also checks key order. */
function expectSameProjections(actual: Projections, expected: Projections) {
  for (const name of ['conversations', 'applications', 'customers', 'utterances'] as const) {
    expect([...actual[name].keys()].sort()).toEqual([...expected[name].keys()].sort())
    for (const [key, record] of expected[name]) expect(actual[name].get(key), `${name} ${key}`).toEqual(record)
  }
  expect(canonical(actual)).toBe(canonical(expected))
}

const corpusEvents = (seed: number) =>
  eventsOf(
    generateCorpus({
      conversations: 6,
      seed,
      utterancesPerConversation: 16,
      retries: 6,
      malformed: 5,
      foreignAgents: 3,
    }),
  )

/**
 * What several workers do: the stream cut into batches; batches applied in any order (a dead
 * worker's batch reclaimed late), some twice (redelivery); each batch sorted by entry id; each
 * record read from and written back to storage as JSON, and only written when changed.
 */
function projectLikeWorkers(events: ChatEvent[], random: Random): Projections {
  const batches: ChatEvent[][] = []
  for (let i = 0; i < events.length;) {
    const size = random.int(1, 40)
    batches.push(events.slice(i, i + size))
    i += size
  }
  const deliveries = random.shuffle([...batches, ...batches.filter(() => random.chance(0.25))])
  const stored = {
    conversations: new Map<string, string>(),
    applications: new Map<string, string>(),
    customers: new Map<string, string>(),
  }
  const utterances = new Map<string, ReturnType<typeof toUtterance> & object>()
  const apply = <State extends object>(
    table: Map<string, string>,
    key: string | undefined,
    event: ChatEvent,
    evolve: (state: State | undefined, event: ChatEvent) => State | undefined,
  ) => {
    if (key === undefined) return
    const json = table.get(key)
    const before = json === undefined ? undefined : (JSON.parse(json) as State)
    const after = evolve(before, event)
    if (after !== undefined && changed(before, after)) table.set(key, JSON.stringify(after))
  }
  for (const batch of deliveries) {
    for (const event of [...batch].sort((a, b) => compareEntryIds(a.entryId, b.entryId))) {
      const touched = touches(event)
      apply(stored.conversations, touched.conversation, event, evolveConversation)
      apply(stored.applications, touched.application, event, evolveApplication)
      apply(stored.customers, touched.customer, event, evolveCustomer)
      const line = toUtterance(event)
      if (line) utterances.set(line.key, firstCopy(utterances.get(line.key), line))
    }
  }
  const parsed = <State>(table: Map<string, string>) =>
    new Map([...table].map(([key, json]) => [key, JSON.parse(json) as State]))
  return {
    conversations: parsed(stored.conversations),
    applications: parsed(stored.applications),
    customers: parsed(stored.customers),
    utterances,
  }
}

describe('foldAll, the oracle', () => {
  it('folds a conversation’s events into its four kinds of record', () => {
    const projections = foldAll([
      event('1-0', 'conversation_started', undefined, { seq: '1', tsp: at(0) }),
      event(
        '1-1',
        'assistant_response',
        { u: "G'day! What's your name?", r: 'Greeting', a: 'text' },
        { seq: '2', tsp: at(1) },
      ),
      event('1-2', 'user_input', { utterance: 'Jess Nguyen 🙂', prev_seq: 2 }, { seq: '3', tsp: at(2) }),
      event(
        '1-3',
        'applicationDetail_changed',
        { loanAmount: '2000.00', customer: { first_name: 'Jess', last_name: 'Nguyen' } },
        { seq: '4', tsp: at(3) },
      ),
      event('1-4', 'final_decision', { decision: 'Approved' }, { seq: '5', tsp: at(4) }),
    ])
    expect(projections.conversations.get(CID)).toMatchObject({
      status: 'approved',
      messageCount: 2,
      lastUtteranceAt: at(2),
    })
    expect(projections.applications.get(AID)).toMatchObject({
      loanAmount: 2000,
      loanFee: 100,
      loanTotalPayable: 2100,
      applicationOutcome: 'approved',
    })
    expect(projections.customers.get(UID)).toMatchObject({ fullName: 'Jess Nguyen' })
    expect([...projections.utterances.values()]).toEqual([
      {
        key: `${CID}:assistant_response:2`,
        eventId: '1-1',
        conversationId: CID,
        seq: 2,
        username: 'assistant',
        utterance: "G'day! What's your name?",
        rationale: 'Greeting',
        timestamp: at(1),
        answerInputType: 'text',
        prevSeq: null,
        endConversation: false,
        additionalData: null,
      },
      expect.objectContaining({
        key: `${CID}:user_input:3`,
        eventId: '1-2',
        username: 'customer',
        utterance: 'Jess Nguyen 🙂',
        prevSeq: 2,
      }),
    ])
  })

  it('shows a retried utterance once: the first copy, even when the retry is applied first', () => {
    const original = event('1-9', 'user_input', { u: 'Jess' }, { seq: '3' })
    const retry = event('1-10', 'user_input', { u: 'Jess' }, { seq: '3' })
    for (const order of [
      [original, retry],
      [retry, original],
    ]) {
      const { utterances, conversations } = foldAll(order)
      expect([...utterances.values()].map((line) => line.eventId)).toEqual(['1-9'])
      expect(conversations.get(CID)?.messageCount).toBe(1)
    }
  })

  it.each([1, 2, 3, 5, 8, 13])('seed %i: any order with any repeats folds to the stream-order result', (seed) => {
    const events = corpusEvents(seed)
    const random = seededRandom(seed * 7_919)
    const disordered = random.shuffle([...events, ...events.filter(() => random.chance(0.3))])
    expectSameProjections(foldAll(disordered), foldAll(events))
  })

  it.each([21, 34, 55])(
    'seed %i: batches reclaimed late and redelivered, stored as JSON between events, end where stream order ends',
    (seed) => {
      const events = corpusEvents(seed)
      expectSameProjections(projectLikeWorkers(events, seededRandom(seed)), foldAll(events))
    },
  )

  it('keeps a 2,000-line conversation’s bookkeeping under 1 KB', () => {
    const { conversations } = foldAll(eventsOf(generateLongConversation({ utterances: 2_000, seed: 3 })))
    const [conversation] = [...conversations.values()]
    expect(conversation?.messageCount).toBe(2_000)
    expect(JSON.stringify(conversation?.projection).length).toBeLessThan(1_024)
  })
})

describe('touches', () => {
  it('names the records each event affects', () => {
    expect(touches(event('1-1', 'user_input', { u: 'Hi' }, { seq: '7' }))).toEqual({
      conversation: CID,
      application: AID,
      customer: UID,
      utterance: `${CID}:user_input:7`,
    })
    expect(touches(event('1-2', 'conversation_started', undefined, { aid: undefined, uid: undefined }))).toEqual({
      conversation: CID,
    })
    expect(touches(event('1-3', 'fraudCheck_results', { fraudScore: 1 }))).toEqual({ application: AID, customer: UID })
    expect(touches(event('1-4', 'final_decision', { decision: 'approved' }, { uid: undefined }))).toEqual({
      conversation: CID,
      application: AID,
    })
    expect(touches(event('1-5', 'assistant_response', { u: 'Hi' }, { aid: undefined, uid: undefined }))).toEqual({
      conversation: CID,
      utterance: `${CID}:assistant_response:1-5`,
    })
  })
})

describe('changed', () => {
  const conversation = foldAll([event('1-0', 'conversation_started')]).conversations.get(CID)!

  it('says a new record, or a different one, needs a write', () => {
    expect(changed(undefined, conversation)).toBe(true)
    expect(changedFields(undefined, conversation)).toEqual(Object.keys(conversation))
    const later = evolveConversation(conversation, event('1-1', 'user_input', { u: 'Hi' }, { seq: '2', tsp: at(3) }))!
    expect(changed(conversation, later)).toBe(true)
    expect(changedFields(conversation, later)).toEqual([
      'lastUtteranceAt',
      'lastActivityAt',
      'messageCount',
      'projection',
    ])
  })

  it('says an equal record needs none, whatever its key order', () => {
    expect(changed(conversation, conversation)).toBe(false)
    const reordered = JSON.parse(
      JSON.stringify({ ...conversation, projection: conversation.projection, conversationId: CID }),
    )
    expect(changed(conversation, reordered)).toBe(false)
    expect(changed(conversation, undefined)).toBe(false)
  })
})
