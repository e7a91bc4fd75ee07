import { describe, expect, it } from 'vitest'

import { compareEntryIds } from '@/events/entryId'
import { generateCorpus, generateLongConversation } from '@/events/generate'
import { type Random, seededRandom } from '@/events/random'
import type { ChatEvent } from '@/events/types'
import { changed, changedFields, dashboard, evolveConversation, foldAll, type Projections } from '@/projections'
import type { Kind } from '@/projections/define'

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
 * record read from and written back to storage as JSON, and only written when changed. Lines
 * are written once, the first copy kept. Loops over the projection's own kinds, as the worker does.
 */
function projectLikeWorkers(events: ChatEvent[], random: Random): Projections {
  const batches: ChatEvent[][] = []
  for (let i = 0; i < events.length;) {
    const size = random.int(1, 40)
    batches.push(events.slice(i, i + size))
    i += size
  }
  const deliveries = random.shuffle([...batches, ...batches.filter(() => random.chance(0.25))])
  const kinds = Object.entries(dashboard.kinds) as Array<[string, Kind]>
  const stored = new Map(kinds.map(([name]) => [name, new Map<string, string>()]))
  for (const batch of deliveries) {
    for (const event of [...batch].sort((a, b) => compareEntryIds(a.entryId, b.entryId))) {
      for (const [name, kind] of kinds) {
        const key = kind.keyOf(event)
        if (key === undefined) continue
        const table = stored.get(name)!
        const json = table.get(key)
        const before = json === undefined ? undefined : (JSON.parse(json) as object)
        const after = (kind.evolve as (state: unknown, event: ChatEvent) => object | undefined)(before, event)
        if (after !== undefined && changed(before, after)) table.set(key, JSON.stringify(after))
      }
    }
  }
  return Object.fromEntries(
    [...stored].map(([name, table]) => [name, new Map([...table].map(([key, json]) => [key, JSON.parse(json)]))]),
  ) as Projections
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

  it('keeps a 2,000-line conversation’s bookkeeping under 1.5 KB', () => {
    const { conversations } = foldAll(eventsOf(generateLongConversation({ utterances: 2_000, seed: 3 })))
    const [conversation] = [...conversations.values()]
    expect(conversation?.messageCount).toBe(2_000)
    expect(JSON.stringify(conversation?.projection).length).toBeLessThan(1_536)
  })
})

describe('the dashboard’s kinds', () => {
  const keysOf = (e: ChatEvent) =>
    Object.fromEntries(
      Object.entries(dashboard.kinds).flatMap(([name, kind]) => {
        const key = kind.keyOf(e)
        return key === undefined ? [] : [[name, key]]
      }),
    )

  it('name the records each event affects', () => {
    expect(keysOf(event('1-1', 'user_input', { u: 'Hi' }, { seq: '7' }))).toEqual({
      conversations: CID,
      applications: AID,
      customers: UID,
      utterances: `${CID}:user_input:7`,
    })
    expect(keysOf(event('1-2', 'conversation_started', undefined, { aid: undefined, uid: undefined }))).toEqual({
      conversations: CID,
    })
    expect(keysOf(event('1-3', 'fraudCheck_results', { fraudScore: 1 }))).toEqual({ applications: AID, customers: UID })
    expect(keysOf(event('1-4', 'final_decision', { decision: 'approved' }, { uid: undefined }))).toEqual({
      conversations: CID,
      applications: AID,
    })
    expect(keysOf(event('1-5', 'assistant_response', { u: 'Hi' }, { aid: undefined, uid: undefined }))).toEqual({
      conversations: CID,
      utterances: `${CID}:assistant_response:1-5`,
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
      'waitingOn',
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
