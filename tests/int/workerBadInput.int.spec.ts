import crypto from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { generateCorpus, type StreamEntryFields } from '@/events/generate'
import { parse } from '@/events/parse'
import { EMOJI, HOSTILE_TEXT } from '@/events/sampleData'

import { expectDatabaseToEqual } from '../helpers/compare'
import { countersOf, startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { appendAll, deadLettersOf, groupInfo, oracleOf } from '../helpers/stream'

const opened = openPayloadAndRedis()

/** What each kind of broken entry the generator makes must be called in its dead letter. */
const REASONS = [
  /^dat: invalid JSON \(/,
  /^typ: missing$/,
  /^seq: expected a non-negative integer, got "abc"$/,
  /^dat\.decision: expected APPROVED or DECLINED, got "maybe"$/,
  /^dat\.utterance: too long \(1048576 bytes > 262144\)$/,
  /^tsp: expected an ISO 8601 timestamp, got "yesterday at 3pm"$/,
  /^cid: missing$/,
  /^dat: expected an object, got an array$/,
  /^agt: missing$/,
]

describe('the worker given bad input', () => {
  it('dead-letters each malformed entry once, skips foreign and unknown ones, projects the rest', async () => {
    const { payload, redis } = opened
    // Given 3,000 generated events with 17 malformed entries of every kind (one a 1 MB utterance),
    // 20 other agents' entries, 3 of unknown types and one without an agent; valid lines carry
    // emoji and HTML
    const corpus: StreamEntryFields[] = generateCorpus({
      events: 3_000,
      seed: 66,
      malformed: 17,
      foreignAgents: 20,
      retries: 10,
    })
    const template = corpus.find((fields) => fields.typ === 'user_input' && fields.agt === 'broker')!
    const { agt: _agent, ...agentless } = template
    corpus.splice(500, 0, { ...template, typ: 'loan_offer_sent' })
    corpus.splice(1_500, 0, { ...template, typ: 'sentiment_scored', dat: '{"score":0.3}' })
    corpus.splice(2_500, 0, { ...template, typ: 'ConversationStarted' })
    corpus.splice(2_600, 0, agentless)
    const stream = `test:bad-input:${crypto.randomUUID()}`
    const appended = await appendAll(redis, stream, corpus)
    const results = appended.map(({ id, fields }) => ({ id, fields, result: parse(id, fields) }))
    const malformed = results.filter(({ result }) => !result.ok && result.kind === 'malformed')
    const skipped = results.filter(({ result }) => !result.ok && result.kind === 'skipped')
    expect(malformed.length).toBe(18)
    expect(skipped.length).toBe(23)
    const hostile = results.filter(
      ({ result }) =>
        result.ok && result.event.type === 'user_input' && JSON.stringify(result.event.data).includes(HOSTILE_TEXT),
    )
    expect(hostile.length, 'valid lines with HTML in the corpus').toBeGreaterThan(0)

    // When one worker drains the stream
    const { settings, done } = startWorker(payload, stream, {
      connectionName: 'bad-input',
      batchSize: 250,
    })
    await done

    // Then each malformed entry is in the dead-letter stream exactly once: its id, its fields as
    // they were, a reason naming the problem, the attempt count and the consumer
    const letters = await deadLettersOf(redis, stream)
    expect(letters.map((letter) => letter.entryId).sort()).toEqual(malformed.map(({ id }) => id).sort())
    for (const { id, fields, result } of malformed) {
      const letter = letters.find((candidate) => candidate.entryId === id)!
      expect(letter.fields, `dead letter ${id}: original fields`).toEqual(Object.entries(fields).flat())
      expect(letter.reason, `dead letter ${id}: reason`).toBe(!result.ok ? result.reason : undefined)
      expect(
        REASONS.some((reason) => reason.test(letter.reason)),
        `dead letter ${id}: "${letter.reason}" names the problem`,
      ).toBe(true)
      expect(letter.attempts, `dead letter ${id}: attempts`).toBe(1)
      expect(letter.consumer, `dead letter ${id}: consumer`).toBe(settings.consumer)
    }
    expect(
      new Set(letters.map((letter) => REASONS.findIndex((reason) => reason.test(letter.reason)))).size,
      'every kind of problem',
    ).toBe(REASONS.length)
    // and the foreign and unknown entries are acknowledged and counted as skipped, not dead-lettered
    const counters = await countersOf(redis, settings)
    expect(counters.skipped).toBe(skipped.length)
    expect(counters.deadLettered).toBe(malformed.length)
    expect(counters.processed).toBe(appended.length - skipped.length - malformed.length)
    expect(await groupInfo(redis, stream, settings.group)).toEqual({ pending: 0, lag: 0 })
    // and every good entry is projected: the database equals the oracle of the valid events
    await expectDatabaseToEqual(payload, oracleOf(appended))
    // and the HTML and emoji are stored as the customer typed them, as text
    const { docs: htmlLines } = await payload.find({
      collection: 'utterances',
      where: { utterance: { contains: 'onerror' } },
      limit: 0,
      pagination: false,
    })
    expect(htmlLines.length).toBe(
      new Set(hostile.map(({ result }) => result.ok && `${result.event.conversationId}:${result.event.seq}`)).size,
    )
    for (const line of htmlLines) expect(line.utterance).toBe(HOSTILE_TEXT)
    const { docs: emojiLines } = await payload.find({
      collection: 'utterances',
      where: { utterance: { contains: EMOJI[0] } },
      limit: 0,
      pagination: false,
    })
    expect(emojiLines.length, 'lines with emoji').toBeGreaterThan(0)
    for (const line of emojiLines) expect(line.utterance).toMatch(new RegExp(`${EMOJI[0]}$`, 'u'))
  })
})
