import crypto from 'node:crypto'

import { Redis } from 'ioredis'
import { getPayload, handleEndpoints, type Payload } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { publishMessages } from '@/realtime/changeFeed'
import { applicationCard, type ChangeMessage, conversationCard, envelope, utteranceLine } from '@/projections/changes'
import { closeRealtime, feedSubscribers } from '@/realtime/shared'
import { openSseStreams } from '@/realtime/sseStream'
import { runWorkers } from '@/worker/runWorker'

import { startWorker } from '../helpers/inProcessWorker'
import { type ApiServer, login, registerFirstUser, serveApi } from '../helpers/serveApi'
import { openSse, type SseClient, type SseEvent } from '../helpers/sse'
import { appendAll } from '../helpers/stream'

// A feed of this file's own on the shared test redis-server (read lazily, so set before any use).
const FEED = `test:${crypto.randomUUID()}:changes`
process.env.REALTIME_STREAM = FEED

let payload: Payload
let server: ApiServer
let redis: Redis
let admin: string
let supervisor: string
let viewer: string
let conversationRecord: number | string

/** Every client a test opens: closed after it, pass or fail, so one failure does not spill into the next test. */
const opened = new Set<SseClient>()

async function sse(auth: string | undefined, query = '', headers: Record<string, string> = {}) {
  const client = await openSse(`${server.url}/api/realtime${query}`, {
    ...(auth ? { authorization: auth } : {}),
    ...headers,
  })
  opened.add(client)
  return client
}

/** Connects and waits for the first frame (`ready` or `reset`): from then on the client is subscribed. */
async function connect(auth: string, query = '', headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await sse(auth, query, headers)
  expect(client.response.status).toBe(200)
  await client.next()
  return client
}

const changes = (client: SseClient) =>
  client.events.filter((event) => event.event !== 'ready' && event.event !== 'reset')
const parsed = (event: SseEvent) => JSON.parse(event.data) as ChangeMessage
const feedIds = async (after = '-') =>
  ((await redis.xrange(FEED, after === '-' ? '-' : `(${after}`, '+')) as [string, string[]][]).map(([id]) => id)

/** A synthetic conversation change, published straight to the feed (for exact control over ordering). */
const conversationChange = (id: number, conversationId: string, purpose: string): ChangeMessage =>
  envelope('conversations', 'update', conversationCard(id, { conversationId, purpose, status: 'active' }), [`${id}-0`])

async function waitFor(ok: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

// The connections the SSE endpoint's process holds for the feed, in this file's Redis database
// (files running beside it use others): the shared reader and the app's command connection.
const FEED_CONNECTIONS = new Set(['change-feed-reader', 'app'])
const redisDb = new URL(process.env.REDIS_URL!).pathname.slice(1) || '0'
const redisClients = async () =>
  ((await redis.client('LIST')) as string)
    .trim()
    .split('\n')
    .map((line) => (line.includes(` db=${redisDb} `) ? (/\bname=(\S*)/.exec(line)?.[1] ?? '') : ''))
    .filter((name) => FEED_CONNECTIONS.has(name))

beforeAll(async () => {
  payload = await getPayload({ config })
  server = await serveApi(config)
  redis = new Redis(process.env.REDIS_URL!)

  // Given an admin (the first user), a supervisor, and a user whose role is not staff
  admin = await registerFirstUser(server.url, {
    email: 'admin@example.com',
    password: 'admin-pass-1',
    firstName: 'Ada',
    lastName: 'Admin',
  })
  for (const email of ['sup@example.com', 'viewer@example.com']) {
    await payload.create({
      collection: 'users',
      data: { email, password: 'sup-pass-1', firstName: 'S', lastName: 'S', role: 'supervisor' },
    })
  }
  // No such role exists yet; written past validation, as a role added later (or removed) would be.
  await payload.db.updateOne({
    collection: 'users',
    where: { email: { equals: 'viewer@example.com' } },
    data: { role: 'viewer' },
  })
  supervisor = await login(server.url, 'sup@example.com', 'sup-pass-1')
  viewer = await login(server.url, 'viewer@example.com', 'sup-pass-1')

  conversationRecord = (
    await payload.create({ collection: 'conversations', data: { conversationId: 'C-1', status: 'active' } })
  ).id
})

afterAll(async () => {
  closeRealtime()
  await server?.close()
  redis?.disconnect()
  await payload?.destroy()
})

/** Connections are released asynchronously once the socket closes: every test must end with none. */
const released = () =>
  waitFor(() => feedSubscribers() === 0 && openSseStreams() === 0, 'every connection to be released')

afterEach(async () => {
  for (const client of opened) client.close()
  opened.clear()
  await released()
})

describe('GET /api/realtime', () => {
  it('refuses anonymous requests (401) and non-staff users (403) with a JSON message and no stream', async () => {
    const anonymous = await sse(undefined)
    expect(anonymous.response.status).toBe(401)
    expect(anonymous.response.headers.get('content-type')).toMatch(/application\/json/)
    expect((await anonymous.response.json()).message).toMatch(/supervisor or admin/)

    const nonStaff = await sse(viewer)
    expect(nonStaff.response.status).toBe(403)
    expect((await nonStaff.response.json()).message).toMatch(/supervisors and admins/)

    const badId = await sse(supervisor, '', { 'last-event-id': 'yesterday' })
    const badCollection = await sse(supervisor, '?collection=users')
    expect([badId.response.status, badCollection.response.status]).toEqual([400, 400])

    expect(openSseStreams()).toBe(0)
    expect(feedSubscribers()).toBe(0)
  })

  it('sends a change to every connected client, with the feed entry id as the event id', async () => {
    // Given an admin and a supervisor connected
    const [a, b] = await Promise.all([connect(admin), connect(supervisor)])
    expect(a.events[0]).toMatchObject({ event: 'ready' })
    expect(a.events[0]!.id).toMatch(/^\d+-\d+$/)

    // When a conversation changes through the Local API (not the worker: the afterChange hook publishes)
    await payload.update({
      collection: 'conversations',
      id: conversationRecord,
      data: { status: 'paused', purpose: 'Car loan' },
    })

    // Then both receive the same compact frame
    const [fromA, fromB] = await Promise.all([
      a.next((e) => e.event === 'conversations'),
      b.next((e) => e.event === 'conversations'),
    ])
    expect(fromA).toEqual(fromB)
    expect(fromA.id).toBe((await feedIds()).at(-1))
    expect(parsed(fromA)).toEqual({
      collection: 'conversations',
      id: conversationRecord,
      operation: 'update',
      entryIds: [],
      version: 0,
      doc: {
        id: conversationRecord,
        conversationId: 'C-1',
        customer: null,
        application: null,
        customerName: null,
        applicationNumber: null,
        status: 'paused',
        startedAt: null,
        lastUtteranceAt: null,
        lastActivityAt: null,
        messageCount: 0,
        finalDecision: null,
        purpose: 'Car loan',
        waitingOn: null,
        questionRepeats: 0,
        identityRiskScore: null,
        identityRiskBand: null,
        fraudResult: null,
        serviceable: null,
        currentStep: null,
        stepSince: null,
      },
    })
    a.close()
    b.close()
  })

  it('resumes from Last-Event-ID with exactly the changes missed: no gap, no duplicate', async () => {
    // Given a supervisor who saw one change, then lost the connection
    const first = await connect(supervisor)
    await publishMessages(redis, [conversationChange(1, 'C-R', 'seen')])
    const seen = await first.next((e) => e.event === 'conversations')
    first.close()

    // while 20 changes were published
    await publishMessages(
      redis,
      Array.from({ length: 20 }, (_, i) => conversationChange(1, 'C-R', `missed ${i}`)),
    )

    // When the browser reconnects with Last-Event-ID while 50 more are being published, then 5 more
    const publishing = (async () => {
      for (let i = 0; i < 50; i++) await publishMessages(redis, [conversationChange(1, 'C-R', `during ${i}`)])
    })()
    const again = await connect(supervisor, '', { 'last-event-id': seen.id! })
    await publishing
    await publishMessages(
      redis,
      Array.from({ length: 5 }, (_, i) => conversationChange(1, 'C-R', `after ${i}`)),
    )

    // Then it receives every change after the one it saw, once each, in feed order (everything it
    // got before a marker published last: a duplicate or a stray change would show there)
    const expected = await feedIds(seen.id)
    expect(expected).toHaveLength(75)
    await publishMessages(redis, [conversationChange(1, 'C-R', 'marker')])
    const purposeOf = (event: (typeof again.events)[number]) => (parsed(event).doc as { purpose: string }).purpose
    await again.until(() => changes(again).some((event) => purposeOf(event) === 'marker'))
    const beforeMarker = changes(again).slice(0, -1)
    expect(again.events[0]).toMatchObject({ event: 'ready', id: seen.id })
    expect(beforeMarker.map((event) => event.id)).toEqual(expected)
    expect(beforeMarker.map(purposeOf)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `missed ${i}`),
      ...Array.from({ length: 50 }, (_, i) => `during ${i}`),
      ...Array.from({ length: 5 }, (_, i) => `after ${i}`),
    ])
    expect(purposeOf(changes(again).at(-1)!)).toBe('marker')
    again.close()

    // and ?lastEventId= does the same for clients that cannot set the header
    const byQuery = await connect(supervisor, `?lastEventId=${seen.id}`)
    await byQuery.until(() => changes(byQuery).some((event) => purposeOf(event) === 'marker'))
    expect(
      changes(byQuery)
        .slice(0, -1)
        .map((event) => event.id),
    ).toEqual(expected)
    byQuery.close()
  })

  it('tells a client to reload (reset) when the changes it missed are no longer in the capped feed', async () => {
    // Given a client that saw a change which has since been trimmed away
    const [old] = await publishMessages(redis, [conversationChange(2, 'C-T', 'old')])
    await publishMessages(redis, [conversationChange(2, 'C-T', 'new')])
    await redis.xtrim(FEED, 'MAXLEN', 1)

    // When it reconnects from there, or from an id this feed never had
    const trimmed = await connect(supervisor, '', { 'last-event-id': old! })
    const foreign = await connect(supervisor, '', { 'last-event-id': '99999999999999-0' })

    // Then it is told to reload, positioned at the feed's end
    const [last] = await feedIds()
    for (const client of [trimmed, foreign]) {
      expect(client.events[0]).toMatchObject({ event: 'reset', id: last })
      client.close()
    }
  })

  it('sends a `: ping` comment heartbeat', async () => {
    process.env.REALTIME_HEARTBEAT_MS = '50'
    try {
      const client = await connect(supervisor)
      await client.until(() => client.comments.filter((comment) => comment === 'ping').length >= 2, 2_000)
      client.close()
    } finally {
      delete process.env.REALTIME_HEARTBEAT_MS
    }
  })

  it('closes the stream of a user deleted, no longer staff, locked out or logged out; refuses them again', async () => {
    process.env.REALTIME_HEARTBEAT_MS = '50'
    try {
      // Given five supervisors following the feed
      const names = ['gone', 'demoted', 'locked', 'out', 'kept'] as const
      const auth = {} as Record<(typeof names)[number], string>
      for (const name of names) {
        const email = `${name}@example.com`
        await payload.create({
          collection: 'users',
          data: { email, password: 'sup-pass-1', firstName: name, lastName: 'S', role: 'supervisor' },
        })
        auth[name] = await login(server.url, email, 'sup-pass-1')
      }
      const clients = await Promise.all(names.map((name) => connect(auth[name])))
      const [gone, demoted, locked, out, kept] = clients as [SseClient, SseClient, SseClient, SseClient, SseClient]

      // When one is deleted, one is given a role that is not staff, one is locked out (as Payload
      // locks an account after too many failed logins), and one logs out
      await payload.delete({ collection: 'users', where: { email: { equals: 'gone@example.com' } } })
      await payload.db.updateOne({
        collection: 'users',
        where: { email: { equals: 'demoted@example.com' } },
        data: { role: 'viewer' },
      })
      await payload.db.updateOne({
        collection: 'users',
        where: { email: { equals: 'locked@example.com' } },
        data: { loginAttempts: 5, lockUntil: new Date(Date.now() + 600_000).toISOString() },
      })
      const logout = await fetch(`${server.url}/api/users/logout`, {
        method: 'POST',
        headers: { authorization: auth.out },
      })
      expect(logout.status).toBe(200)

      // Then their streams end within a few heartbeats
      for (const client of [gone, demoted, locked, out]) await client.until(() => client.ended, 3_000)
      // while the untouched one goes on
      const pings = kept.comments.length
      await kept.until(() => kept.comments.length >= pings + 3)
      expect(kept.ended).toBe(false)

      // and the browser's reconnects are refused, saying why
      const again = await Promise.all([gone, demoted, locked, out].map((_, i) => sse(auth[names[i]!])))
      expect(again.map((client) => client.response.status)).toEqual([401, 403, 403, 401])
      expect((await again[2]!.response.json()).message).toMatch(/locked/)
    } finally {
      delete process.env.REALTIME_HEARTBEAT_MS
    }
  })

  it('filters by collection, and by conversation (key or id) with its application and customer', async () => {
    // Given clients following only transcript lines, or only conversation C-9
    const lines = await connect(supervisor, '?collection=utterances')
    const byKey = await connect(supervisor, '?conversation=C-9')
    const byId = await connect(supervisor, '?conversation=9')

    // When changes to several records are published
    const line = (id: number, utterance: string) =>
      envelope(
        'utterances',
        'create',
        utteranceLine(id, {
          conversation: 9,
          conversationId: 'C-9',
          key: `C-9:user_input:${id}`,
          eventId: `${id}-0`,
          username: 'customer',
          utterance,
          timestamp: '2025-03-03T09:00:00.000Z',
        }),
        [`${id}-0`],
      )
    const application = (id: number) =>
      envelope('applications', 'update', applicationCard(id, { applicationNumber: `APP-${id}` }))
    const customer = (id: number) =>
      envelope('customers', 'update', { id, customerId: `CUS-${id}`, fullName: 'Jo Bloggs' })
    await publishMessages(redis, [
      conversationChange(8, 'C-8', 'other'),
      application(77),
      conversationChange(9, 'C-9', 'mine'),
      // C-9 is linked to application 77 and customer 3 (as the worker's messages say once it knows)
      envelope(
        'conversations',
        'update',
        conversationCard(9, { conversationId: 'C-9', application: 77, applicationNumber: 'APP-77', customer: 3 }),
      ),
      line(100, 'hello'),
      application(78),
      application(77),
      customer(4),
      customer(3),
      line(101, 'last'),
    ])

    // Then each receives only what it asked for
    for (const client of [lines, byKey, byId])
      await client.next((e) => e.event === 'utterances' && e.data.includes('"last"'))
    const summary = (client: SseClient) => changes(client).map((event) => `${event.event}:${parsed(event).id}`)
    expect(summary(lines)).toEqual(['utterances:100', 'utterances:101'])
    // (application 77 before the link was known is not C-9's news yet)
    expect(summary(byKey)).toEqual([
      'conversations:9',
      'conversations:9',
      'utterances:100',
      'applications:77',
      'customers:3',
      'utterances:101',
    ])
    expect(summary(byId)).toEqual(summary(byKey))
    for (const client of [lines, byKey, byId]) client.close()
  })

  it("follows a stored conversation's application and customer from the first frame", async () => {
    // Given a conversation stored with its links
    const app = await payload.create({ collection: 'applications', data: { applicationNumber: 'APP-F1' } })
    const person = await payload.create({ collection: 'customers', data: { customerId: 'CUS-F1', firstName: 'Fay' } })
    await payload.create({
      collection: 'conversations',
      data: { conversationId: 'C-F1', status: 'active', application: app.id, customer: person.id },
    })
    const client = await connect(supervisor, '?conversation=C-F1')

    // When its application and customer change, and another application does
    await publishMessages(redis, [
      envelope('applications', 'update', applicationCard(app.id, { applicationNumber: 'APP-F1', loanAmount: 5_000 })),
      envelope('applications', 'update', applicationCard(999, { applicationNumber: 'APP-OTHER' })),
      envelope('customers', 'update', { id: person.id, customerId: 'CUS-F1', fullName: 'Fay Doe' }),
    ])

    // Then the client receives exactly those of its conversation
    await client.next((e) => e.event === 'customers')
    expect(changes(client).map((event) => `${event.event}:${parsed(event).id}`)).toEqual([
      `applications:${app.id}`,
      `customers:${person.id}`,
    ])
  })

  it('serves 500 idle clients from one Redis reader', async () => {
    // Given one client, and the Redis connections it takes
    const one = await connect(supervisor)
    const connectionsForOne = await redisClients()

    // When 499 more connect
    const clients = [one]
    while (clients.length < 500) {
      clients.push(
        ...(await Promise.all(Array.from({ length: Math.min(50, 500 - clients.length) }, () => connect(supervisor)))),
      )
    }
    expect(feedSubscribers()).toBe(500)

    // Then no Redis connection was added, and a change reaches all 500
    const connections = await redisClients()
    expect(connections.length, `${connections} (with one client: ${connectionsForOne})`).toBeLessThanOrEqual(
      connectionsForOne.length,
    )
    await publishMessages(redis, [conversationChange(5, 'C-5', 'broadcast')])
    await Promise.all(clients.map((client) => client.next((e) => e.event === 'conversations')))
    clients.forEach((client) => client.close())
  })

  it('releases every connection: nothing left after 1,000 connects and disconnects', async () => {
    // Given the process's Redis connections before
    const before = await redisClients()

    // When 1,000 clients connect (and are subscribed) then go away, 50 at a time
    for (let round = 0; round < 20; round++) {
      const clients = await Promise.all(Array.from({ length: 50 }, () => connect(supervisor)))
      clients.forEach((client) => client.close())
    }

    // Then no subscriber, stream, timer-driven write or Redis connection remains
    await released()
    const after = await redisClients()
    expect(after.length, `${after} (before: ${before})`).toBeLessThanOrEqual(before.length)
  })

  it('releases a connection when the request is aborted (Next aborts request.signal on disconnect)', async () => {
    const abort = new AbortController()
    const request = new Request(`${server.url}/api/realtime`, {
      headers: { authorization: supervisor },
      signal: abort.signal,
    })
    const response = await handleEndpoints({ config, request })
    const reader = response.body!.getReader()
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toMatch(/event: ready/)
    expect(openSseStreams()).toBe(1)

    abort.abort()

    await released()
    await expect(reader.read()).resolves.toMatchObject({ done: true })
  })
})

describe('the worker publishing to the change feed', () => {
  it('publishes each committed change once, compactly, and only transcript lines that are new', async () => {
    // Given a chatLedger with 25 interleaved conversations, producer retries and other agents' events
    const ledger = `test:${crypto.randomUUID()}:ledger`
    process.env.CHAT_LEDGER_STREAM = ledger
    process.env.WORKER_BATCH_SIZE = '60'
    const appended = await appendAll(
      redis,
      ledger,
      generateCorpus({ conversations: 25, seed: 11, retries: 15, foreignAgents: 10 }),
    )
    const start = (await feedIds()).at(-1) ?? '0-0'
    const client = await connect(supervisor)

    // When the worker drains it (runWorker wires onCommitted to the feed)
    const running = runWorkers(payload, { projections: ['dashboard'], stopWhenIdleMs: 500 })
    await running.done
    await running.stop()

    // Then every message comes from the worker (hooks did not fire: entry ids on each) and is small
    const entries = (await redis.xrange(FEED, `(${start}`, '+')) as [string, string[]][]
    const messages = entries.map(([id, fields]) => ({ id, json: fields[fields.indexOf('message') + 1]! }))
    const byCollection = (collection: string) =>
      messages.filter(({ json }) => JSON.parse(json).collection === collection)
    const conversations = byCollection('conversations')
    expect(conversations.length).toBeGreaterThan(25)
    for (const { json } of messages) expect(JSON.parse(json).entryIds.length).toBeGreaterThan(0)
    const largestConversation = Math.max(...conversations.map(({ json }) => Buffer.byteLength(json)))
    expect(largestConversation).toBeLessThan(1_024)
    const average = messages.reduce((sum, { json }) => sum + Buffer.byteLength(json), 0) / messages.length
    expect(average).toBeLessThan(1_024)

    // and each stored transcript line was announced exactly once (retries and redeliveries not at all)
    const lines = byCollection('utterances').map(
      ({ json }) => JSON.parse(json).doc as { id: number; key: string; eventId: string },
    )
    const stored = await payload.find({
      collection: 'utterances',
      pagination: false,
      depth: 0,
      select: { key: true, eventId: true },
    })
    expect(lines).toHaveLength(stored.docs.length)
    expect(new Set(lines.map((line) => line.key)).size).toBe(lines.length)
    expect(lines.map(({ id, key, eventId }) => ({ id, key, eventId })).sort((a, b) => a.id - b.id)).toEqual(
      stored.docs.map(({ id, key, eventId }) => ({ id, key, eventId })).sort((a, b) => a.id - b.id),
    )

    // and the last message of each conversation matches what was committed
    const last = new Map<string, ChangeMessage>()
    for (const { json } of conversations) last.set(String(JSON.parse(json).id), JSON.parse(json))
    const committed = await payload.find({
      collection: 'conversations',
      pagination: false,
      depth: 0,
      where: { conversationId: { not_in: ['C-1', 'C-F1'] } },
    })
    expect(last.size).toBe(committed.docs.length)
    for (const doc of committed.docs) {
      // with the version the commit wrote, so readers can drop a change older than one they applied
      expect(last.get(String(doc.id))!.version, doc.conversationId).toBe(doc.version)
      expect(last.get(String(doc.id))!.doc, doc.conversationId).toMatchObject({
        conversationId: doc.conversationId,
        customerName: doc.customerName,
        status: doc.status,
        messageCount: doc.messageCount,
        lastUtteranceAt: doc.lastUtteranceAt,
        lastActivityAt: doc.lastActivityAt,
      })
    }

    // and the connected supervisor received them all, in feed order
    await client.until(() => changes(client).length >= messages.length, 10_000)
    expect(changes(client).map((event) => event.id)).toEqual(messages.map(({ id }) => id))
    client.close()

    // When the producer retries a stored line much later, even re-stamped: it is the same line, counted
    // once, so nothing changes and nothing is published
    const line = appended.find(({ fields }) => fields.typ === 'user_input' && fields.agt === 'broker')!
    await appendAll(redis, ledger, [{ ...line.fields, tsp: '2030-01-01T00:00:00.000Z' }])
    const again = runWorkers(payload, { projections: ['dashboard'], stopWhenIdleMs: 500 })
    await again.done
    await again.stop()
    expect(await feedIds(start)).toHaveLength(entries.length)

    // When the whole ledger is replayed by another consumer group: nothing changes, nothing is published
    try {
      const replay = startWorker(payload, ledger, {
        connectionName: 'replay',
        group: `replay-${crypto.randomUUID()}`,
        announce: true,
        stopWhenIdleMs: 500,
      })
      await replay.done
    } finally {
      delete process.env.WORKER_BATCH_SIZE
    }
    expect(await feedIds(start)).toHaveLength(entries.length)
  })
})
