import { describe, expect, it } from 'vitest'

import { DEFAULT_START, generateCorpus, generateLongConversation } from '@/events/generate'
import { parse } from '@/events/parse'
import { EVENT_TYPES } from '@/events/types'
import { foldAll } from '@/projections'

import { entryIdAt, eventsOf } from './given'

const options = {
  conversations: 8,
  seed: 42,
  utterancesPerConversation: 14,
  malformed: 10,
  retries: 4,
  foreignAgents: 5,
}
const corpus = generateCorpus(options)
const results = corpus.map((fields, index) => parse(entryIdAt(index), fields))
const valid = results.flatMap((result) => (result.ok ? [result.event] : []))

describe('generateCorpus', () => {
  it('is deterministic per seed', () => {
    expect(generateCorpus(options)).toEqual(corpus)
    expect(generateCorpus({ ...options, seed: 43 })).not.toEqual(corpus)
  })

  it('writes every event type, for the requested number of conversations and lines', () => {
    expect(new Set(valid.map((event) => event.type))).toEqual(new Set(EVENT_TYPES))
    const { conversations, utterances } = foldAll(valid)
    expect(conversations.size).toBe(options.conversations)
    expect(utterances.size).toBe(options.conversations * options.utterancesPerConversation)
    for (const conversation of conversations.values())
      expect(conversation.messageCount).toBe(options.utterancesPerConversation)
  })

  it('adds exactly the requested malformed entries, of varied kinds, and foreign agents’ entries', () => {
    const reasons = results.flatMap((result) => (!result.ok && result.kind === 'malformed' ? [result.reason] : []))
    expect(reasons).toHaveLength(options.malformed)
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dat: invalid JSON/),
        'typ: missing',
        'seq: expected a non-negative integer, got "abc"',
        'dat.decision: expected APPROVED or DECLINED, got "maybe"',
        'dat.utterance: too long (1048576 bytes > 262144)',
        'tsp: expected an ISO 8601 timestamp, got "yesterday at 3pm"',
        'cid: missing',
        'dat: expected an object, got an array',
      ]),
    )
    const foreign = results.filter(
      (result) => !result.ok && result.kind === 'skipped' && result.reason === 'foreign_agent',
    )
    expect(foreign).toHaveLength(options.foreignAgents)
  })

  it('repeats the requested utterances as producer retries: same fields, another entry', () => {
    const lines = valid.filter((event) => event.type === 'user_input' || event.type === 'assistant_response')
    expect(lines.length - foldAll(valid).utterances.size).toBe(options.retries)
  })

  it('varies what producers vary: both spellings, amounts as strings, missing fees, decisions in any case', () => {
    const dats = corpus.map((fields) => fields.dat ?? '')
    expect(dats.some((dat) => dat.startsWith('{"u":'))).toBe(true)
    expect(dats.some((dat) => dat.startsWith('{"utterance":'))).toBe(true)
    expect(dats.some((dat) => /"loanAmount":"\d+\.\d\d"/.test(dat))).toBe(true)
    expect(dats.some((dat) => dat.includes('"loanAmount"') && !dat.includes('"loanFee"'))).toBe(true)
    const decisions = new Set(dats.flatMap((dat) => dat.match(/"decision":"(\w+)"/)?.[1] ?? []))
    expect(decisions.size).toBeGreaterThan(2)
  })

  it('has customers write emoji and HTML, which are valid and kept verbatim', () => {
    const lines = [...generateCorpus({ conversations: 40, seed: 7 }).entries()]
      .map(([index, fields]) => parse(entryIdAt(index), fields))
      .flatMap((result) => (result.ok && result.event.type === 'user_input' ? [result.event.data.utterance] : []))
    expect(lines).toContain('My name is <img src=x onerror=alert(1)> and I need $500 😬')
    expect(lines.some((line) => /\p{Extended_Pictographic}/u.test(line))).toBe(true)
  })

  it('dates every entry from startAt', () => {
    const times = generateCorpus({ conversations: 3, seed: 1, startAt: '2030-01-01T00:00:00.000Z' }).map(
      (fields) => fields.tsp!,
    )
    expect(times.every((tsp) => tsp >= '2030-01-01T00:00:00.000Z' && tsp < '2030-01-02')).toBe(true)
    expect(generateCorpus({ conversations: 1, seed: 1 })[0]!.tsp! >= DEFAULT_START).toBe(true)
  })

  it('cuts a corpus at exactly `events` entries', () => {
    expect(generateCorpus({ events: 500, seed: 9 })).toHaveLength(500)
  })
})

describe('generateLongConversation', () => {
  it('writes one conversation of the requested number of lines', () => {
    const events = eventsOf(generateLongConversation({ utterances: 300, seed: 3 }))
    const { conversations, applications } = foldAll(events)
    expect(conversations.size).toBe(1)
    expect(applications.size).toBe(1)
    expect([...conversations.values()][0]?.messageCount).toBe(300)
  })
})
