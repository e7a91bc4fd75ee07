import crypto from 'node:crypto'

import type { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus, type StreamEntryFields } from '@/events/generate'
import { parse } from '@/events/parse'
import { createRedis } from '@/lib/redis'
import config from '@/payload.config'

import { expectDatabaseToEqual } from '../helpers/compare'
import { countersOf, startWorker } from '../helpers/inProcessWorker'
import { appendAll, deadLettersOf, groupInfo, oracleOf } from '../helpers/stream'

/*
 * An event that parses but can never be written: a conversation summary with 10,000 facts. Valid
 * by the contract (facts are not capped), but on SQLite the facts are one multi-row INSERT whose
 * 40,000 bound values exceed SQLite's limit of 32,766 ("too many SQL variables"), every time.
 * Nothing is injected: this is what the production code does with such an event. (MongoDB
 * stores it, hence SQLite only.)
 */
const onSqlite = (process.env.DATABASE_URI ?? 'file:').startsWith('file:')

let payload: Payload
let redis: Redis

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'fatal'
  redis = createRedis(process.env.REDIS_URL!)
})

afterAll(async () => {
  redis?.disconnect()
  await payload?.destroy()
})

describe.runIf(onSqlite)('the worker given an event whose write fails every time', () => {
  it('dead-letters that event after WORKER_MAX_ATTEMPTS with the reason, projects the rest of its batch', async () => {
    // Given 1,000 generated events and, in the middle of the third batch of 250, a summary of a
    // conversation already started whose 10,000 facts SQLite cannot insert in one statement (some
    // of them quoting the customer: words that also appear in outage errors)
    const corpus: StreamEntryFields[] = generateCorpus({ events: 1_000, seed: 77, retries: 10 })
    const started = corpus.slice(0, 500).find((fields) => fields.typ === 'conversation_started')!
    const facts = Array.from({ length: 10_000 }, (_, i) =>
      i % 2
        ? `Fact ${i}: the customer said the connection closed twice`
        : `Fact ${i}: the database is locked, the customer says`,
    )
    const poison = {
      agt: 'broker',
      typ: 'conversation_summary',
      cid: started.cid!,
      aid: started.aid!,
      uid: started.uid!,
      seq: '999',
      tsp: started.tsp!,
      dat: JSON.stringify({ conversation_purpose: 'Personal loan application', conversation_facts: facts }),
    }
    corpus.splice(620, 0, poison)
    const stream = `test:poison:${crypto.randomUUID()}`
    const appended = await appendAll(redis, stream, corpus)
    const poisoned = appended[620]!
    expect(parse(poisoned.id, poisoned.fields).ok, 'the poisoned event is valid').toBe(true)

    // When one worker drains the stream in batches of 250
    const { settings, done } = startWorker(payload, stream, {
      connectionName: 'poison',
      batchSize: 250,
    })
    await done

    // Then that one event is dead-lettered, after maxAttempts tries, with the database's reason
    const letters = await deadLettersOf(redis, stream)
    expect(letters.map((letter) => letter.entryId)).toEqual([poisoned.id])
    const [letter] = letters
    expect(letter!.reason).toMatch(/^projection failed: .*too many SQL variables/)
    expect(letter!.reason.length, 'a reason, not the whole SQL statement').toBeLessThan(2_000)
    expect(letter!.attempts).toBe(settings.maxAttempts)
    expect(letter!.fields).toEqual(Object.entries(poisoned.fields).flat())
    expect(letter!.consumer).toBe(settings.consumer)
    // and everything else, its own batch included, is projected and acknowledged
    const counters = await countersOf(redis, settings)
    expect(counters.deadLettered).toBe(1)
    expect(counters.processed + counters.skipped).toBe(appended.length - 1)
    expect(await groupInfo(redis, stream, settings.group)).toEqual({ pending: 0, lag: 0 })
    await expectDatabaseToEqual(payload, oracleOf(appended.filter((entry) => entry.id !== poisoned.id)))
  })
})
