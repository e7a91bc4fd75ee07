import crypto from 'node:crypto'

import type { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus, type StreamEntryFields } from '@/events/generate'
import { parse } from '@/events/parse'
import { createRedis } from '@/lib/redis'
import config from '@/payload.config'
import type { ChangeMessage } from '@/projections/changes'

import { expectDatabaseToEqual } from '../helpers/compare'
import { countersOf, startWorker } from '../helpers/inProcessWorker'
import { openSqlite } from '../helpers/sqlite'
import { appendAll, deadLettersOf, groupInfo, oracleOf } from '../helpers/stream'

/*
 * Events that parse but cannot be written. The first: a conversation summary of 10,000 facts,
 * valid by the contract (facts are not capped), that the database refuses every time (a trigger
 * standing in for a storage limit: the writer itself splits the facts across statements). The
 * second is a database that refuses one record with an error the worker cannot tell from a
 * poison event, until an operator fixes it. Both use SQLite triggers, hence SQLite only.
 */
const databaseUri = process.env.DATABASE_URI ?? 'file:'
const onSqlite = databaseUri.startsWith('file:')
if (!onSqlite)
  console.warn('[workerPoison.int] SKIPPED: its failing writes are SQLite behaviours; DATABASE_URI is not SQLite.')

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

/** Every change-feed message published to `feed`, in order. */
const feedMessages = async (feed: string) =>
  ((await redis.xrange(feed, '-', '+')) as Array<[string, string[]]>).map(
    ([, fields]) => JSON.parse(fields[fields.indexOf('message') + 1]!) as ChangeMessage,
  )

describe.runIf(onSqlite)('the worker given an event whose write fails every time', () => {
  it('commits and announces the rest of its batch, tries it again later, then dead-letters it', async () => {
    // Given 1,000 generated events and, in the middle of the third batch of 250, a summary of a
    // conversation already started whose 10,000 facts the database refuses (some of them quoting
    // the customer: words that also appear in outage errors)
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
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute(
      'CREATE TRIGGER refuse_long_summaries BEFORE INSERT ON conversations_facts WHEN NEW._order > 5000 ' +
        "BEGIN SELECT RAISE(ABORT, 'more than 5,000 facts in one summary'); END",
    )
    sqlite.close()
    const stream = `test:poison:${crypto.randomUUID()}`
    const feed = `${stream}:changes`
    process.env.REALTIME_STREAM = feed
    const appended = await appendAll(redis, stream, corpus)
    const poisoned = appended[620]!
    expect(parse(poisoned.id, poisoned.fields).ok, 'the poisoned event is valid').toBe(true)

    // When one worker drains the stream in batches of 250, announcing on the change feed
    const startedAt = Date.now()
    const { settings, done } = startWorker(payload, stream, {
      connectionName: 'poison',
      batchSize: 250,
      maxAttempts: 3,
      retryBackoffMs: 400,
      announce: true,
    })
    await done
    delete process.env.REALTIME_STREAM
    const fixing = openSqlite(databaseUri)
    await fixing.execute('DROP TRIGGER refuse_long_summaries')
    fixing.close()

    // Then that one event is dead-lettered with the database's reason, after three deliveries
    // with waits between them (400 ms, then 800 ms), not three tries in a row
    const letters = await deadLettersOf(redis, stream)
    expect(letters.map((letter) => letter.entryId)).toEqual([poisoned.id])
    const [letter] = letters
    expect(letter!.reason).toMatch(/^projection failed: .*more than 5,000 facts in one summary/)
    expect(letter!.reason.length, 'a reason, not the whole SQL statement').toBeLessThan(2_000)
    expect(letter!.attempts).toBe(3)
    expect(Date.parse(letter!.failedAt) - startedAt).toBeGreaterThanOrEqual(1_200)
    expect(letter!.fields).toEqual(Object.entries(poisoned.fields).flat())
    expect(letter!.consumer).toBe(settings.consumer)
    // and everything else, its own batch included, is projected and acknowledged
    const counters = await countersOf(redis, settings)
    expect(counters.deadLettered).toBe(1)
    expect(counters.processed + counters.skipped).toBe(appended.length - 1)
    expect(await groupInfo(redis, stream, settings.group)).toEqual({ pending: 0, lag: 0 })
    await expectDatabaseToEqual(payload, oracleOf(appended.filter((entry) => entry.id !== poisoned.id)))

    // and the change feed carries all of it, the poisoned batch's changes too: each stored
    // transcript line once, and each conversation's last announcement is its stored version
    const messages = await feedMessages(feed)
    const lines = messages.filter((message) => message.collection === 'utterances')
    const stored = await payload.find({ collection: 'utterances', pagination: false, depth: 0, select: { key: true } })
    expect(lines.map((message) => message.doc.key).sort()).toEqual(stored.docs.map((doc) => doc.key).sort())
    const lastVersion = new Map<string, number | undefined>()
    for (const message of messages) {
      if (message.collection === 'conversations') lastVersion.set(String(message.id), message.version)
    }
    const conversations = await payload.find({ collection: 'conversations', pagination: false, depth: 0 })
    for (const doc of conversations.docs) expect(lastVersion.get(String(doc.id)), doc.conversationId).toBe(doc.version)
  })
})

describe.runIf(onSqlite)('the worker given a write that fails with an error it cannot tell from poison', () => {
  it('tries the event again on later deliveries, and projects it once the cause is gone', async () => {
    // Given a database that refuses one conversation with an error of no known outage kind
    const conversationId = `conv-refused-${crypto.randomUUID().slice(0, 8)}`
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute(
      `CREATE TRIGGER refuse_${conversationId.slice(-8)} BEFORE INSERT ON conversations ` +
        `WHEN NEW.conversation_id = '${conversationId}' BEGIN SELECT RAISE(ABORT, 'storage node said no'); END`,
    )
    const stream = `test:refused:${crypto.randomUUID()}`
    await appendAll(redis, stream, [
      {
        agt: 'broker',
        typ: 'conversation_started',
        cid: conversationId,
        seq: '1',
        tsp: new Date().toISOString(),
      },
    ])

    // When a worker meets it (three attempts allowed, 500 ms then 1 s between them) and the
    // operator drops the trigger after the first failure
    const { settings, done } = startWorker(payload, stream, {
      connectionName: 'refused',
      maxAttempts: 3,
      retryBackoffMs: 500,
      stopWhenIdleMs: 500,
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(
      await payload.count({ collection: 'conversations', where: { conversationId: { equals: conversationId } } }),
    ).toMatchObject({ totalDocs: 0 })
    await sqlite.execute(`DROP TRIGGER refuse_${conversationId.slice(-8)}`)
    sqlite.close()
    await done

    // Then the event is projected on a later delivery and nothing is dead-lettered
    expect(await deadLettersOf(redis, stream)).toEqual([])
    const stored = await payload.find({
      collection: 'conversations',
      where: { conversationId: { equals: conversationId } },
    })
    expect(stored.docs).toHaveLength(1)
    expect(await groupInfo(redis, stream, settings.group)).toEqual({ pending: 0, lag: 0 })
    expect((await countersOf(redis, settings)).processed).toBe(1)
  })
})
