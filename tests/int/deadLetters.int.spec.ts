/*
 * The dead-letter console over real HTTP. A deploy with a bug dead-letters every conversation
 * summary; after the fix an admin retries that group and the summaries are projected and leave
 * the dead letters. Malformed entries: a retry keeps them (new reason, one more attempt), a
 * discard archives one with who and why. Every action is in the audit log, which nobody can
 * edit; supervisors get 403 on every operations endpoint.
 */
import crypto from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ChatEvent } from '@/events/types'
import { generateCorpus } from '@/events/generate'
import { closeOpsRedis } from '@/ops/redis'
import config from '@/payload.config'
import { dashboard, PROJECTIONS } from '@/projections'
import { STORES, type StoredProjection } from '@/store'
import { metricsKeys } from '@/worker/metrics'

import { startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { appendAll, type Appended, deadLettersOf, eventsOfAppended } from '../helpers/stream'

const opened = openPayloadAndRedis()
const stream = `test:dead-letters:${crypto.randomUUID()}`
let server: ApiServer
let appended: Appended[]
let admin: string
let supervisor: string

/** The dashboard as a deploy with a bug ran it: every conversation summary fails to project. */
const buggy: StoredProjection = {
  ...STORES.dashboard,
  projection: {
    ...dashboard,
    kinds: {
      ...dashboard.kinds,
      conversations: {
        ...dashboard.kinds.conversations,
        evolve(state: Parameters<typeof dashboard.kinds.conversations.evolve>[0], event: ChatEvent) {
          if (event.type === 'conversation_summary')
            throw new Error(`summary of ${event.conversationId} at seq ${event.seq}: purpose is not a string`)
          return dashboard.kinds.conversations.evolve(state, event)
        },
      },
    },
  } as unknown as StoredProjection['projection'],
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read by the assertions
type Answer = Record<string, any>
const call = async (method: string, route: string, authorization?: string, body?: unknown) => {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, body: (await res.json()) as Answer }
}

type Group = { fingerprint: string; type: string; pattern: string; count: number; firstSeen: string }
const groupsNow = async () => (await call('GET', '/api/ops/dead-letters/groups', admin)).body.groups as Group[]

beforeAll(async () => {
  Object.assign(process.env, { CHAT_LEDGER_STREAM: stream })
  closeOpsRedis()
  // The buggy deploy's dead-lettering is logged as errors: expected here.
  opened.payload.logger.level = 'fatal'
  appended = await appendAll(opened.redis, stream, generateCorpus({ conversations: 6, seed: 3030, malformed: 3 }))
  const { done } = startWorker(opened.payload, stream, {
    connectionName: 'dead-letters',
    store: buggy,
    maxAttempts: 1,
  })
  await done
  server = await serveApi(config)
  for (const [email, role] of [
    ['dlq-admin@example.com', 'admin'],
    ['dlq-supervisor@example.com', 'supervisor'],
  ] as const) {
    await opened.payload.create({
      collection: 'users',
      data: { email, password: 'pass-word-1', firstName: 'D', lastName: role, role },
    })
  }
  admin = await login(server.url, 'dlq-admin@example.com', 'pass-word-1')
  supervisor = await login(server.url, 'dlq-supervisor@example.com', 'pass-word-1')
})

afterAll(async () => {
  delete process.env.CHAT_LEDGER_STREAM
  closeOpsRedis()
  await server?.close()
})

describe('the dead-letter console', () => {
  it('groups dead letters by failure: one group for the summaries, whatever their ids and numbers', async () => {
    const summaries = eventsOfAppended(appended).filter((event) => event.type === 'conversation_summary')
    expect(summaries.length).toBeGreaterThanOrEqual(6)
    const groups = await groupsNow()
    const summaryGroup = groups.find((group) => group.type === 'conversation_summary')!
    expect(summaryGroup.count).toBe(summaries.length)
    expect(summaryGroup.pattern).toBe('projection failed: summary of conv-<id> at seq <n>: purpose is not a string')
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(summaries.length + 3)

    // And one dead letter shows the original entry, dat pretty-printed
    const page = await call('GET', `/api/ops/dead-letters?fingerprint=${summaryGroup.fingerprint}&limit=2`, admin)
    expect(page.body).toMatchObject({ total: summaries.length, page: 1, limit: 2 })
    expect(page.body.letters).toHaveLength(2)
    const letter = page.body.letters[0]
    const detail = await call('GET', `/api/ops/dead-letters/dashboard/${letter.id}`, admin)
    expect(detail.status).toBe(200)
    expect(detail.body).toMatchObject({ entryId: letter.entryId, type: 'conversation_summary', attempts: 1 })
    expect(detail.body.datIsJson).toBe(true)
    expect(detail.body.dat).toContain('\n  "conversation_purpose"')
    expect(detail.body.fields.cid).toBe(letter.conversationId)
  })

  it('retries a group once the bug is fixed: the summaries are projected and leave the dead letters', async () => {
    // Given the fixed deploy (the API runs the real dashboard store)
    const summary = (await groupsNow()).find((group) => group.type === 'conversation_summary')!
    // When the admin retries the group, confirming a count that is not the group's
    const wrong = await call('POST', '/api/ops/dead-letters/retry', admin, {
      projection: 'dashboard',
      fingerprint: summary.fingerprint,
      confirm: summary.count + 1,
    })
    // Then nothing is done and the answer says how many it holds
    expect(wrong.status).toBe(409)
    expect(wrong.body.count).toBe(summary.count)
    // When the admin confirms the right count
    const totals = metricsKeys({ stream, group: PROJECTIONS.dashboard.group }).totals
    const projectedBefore = Number((await opened.redis.hget(totals, 'processed')) ?? 0)
    const retried = await call('POST', '/api/ops/dead-letters/retry', admin, {
      projection: 'dashboard',
      fingerprint: summary.fingerprint,
      confirm: summary.count,
    })
    expect(retried.status).toBe(200)
    expect(retried.body).toMatchObject({ requested: summary.count, done: summary.count, failed: [], missing: 0 })
    // and they count as projected in the metrics, as a worker's batch would
    expect(Number(await opened.redis.hget(totals, 'processed'))).toBe(projectedBefore + summary.count)
    // Then every conversation has its purpose, and only the malformed entries are dead letters
    const expected = eventsOfAppended(appended).filter((event) => event.type === 'conversation_summary')
    for (const event of expected) {
      const { docs } = await opened.payload.find({
        collection: 'conversations',
        where: { conversationId: { equals: event.conversationId } },
      })
      expect(docs[0]?.purpose, event.conversationId).toBe(
        (event as Extract<ChatEvent, { type: 'conversation_summary' }>).data.purpose,
      )
    }
    const left = await deadLettersOf(opened.redis, stream)
    expect(left).toHaveLength(3)
    expect((await groupsNow()).map((group) => group.type)).not.toContain('conversation_summary')
  })

  it('a malformed entry retried stays, one attempt more; discarded, it is archived with who and why', async () => {
    const [first, second] = await deadLettersOf(opened.redis, stream)
    // When the admin retries a malformed entry
    const retried = await call('POST', '/api/ops/dead-letters/retry', admin, {
      projection: 'dashboard',
      ids: [first!.id],
    })
    // Then it is still a dead letter, with one more attempt
    expect(retried.body).toMatchObject({ requested: 1, done: 0 })
    const newId = retried.body.failed[0].newId as string
    const again = await call('GET', `/api/ops/dead-letters/dashboard/${newId}`, admin)
    expect(again.body).toMatchObject({ entryId: first!.entryId, attempts: first!.attempts + 1 })
    expect((await call('GET', `/api/ops/dead-letters/dashboard/${first!.id}`, admin)).status).toBe(404)

    // When the admin discards another, saying why
    const discarded = await call('POST', '/api/ops/dead-letters/discard', admin, {
      projection: 'dashboard',
      ids: [second!.id],
      why: 'test entry from the load generator',
    })
    expect(discarded.body).toMatchObject({ requested: 1, done: 1 })
    // Then it is in the archive with who and why, and no longer a dead letter
    const archive = await call('GET', '/api/ops/dead-letters/archive?projection=dashboard', admin)
    expect(archive.body.archived[0]).toMatchObject({
      deadLetterId: second!.id,
      entryId: second!.entryId,
      discardedBy: 'dlq-admin@example.com',
      why: 'test entry from the load generator',
    })
    expect((await deadLettersOf(opened.redis, stream)).map((letter) => letter.id)).not.toContain(second!.id)
    // And a discard without a reason is refused
    const noWhy = await call('POST', '/api/ops/dead-letters/discard', admin, { projection: 'dashboard', ids: [newId] })
    expect(noWhy.status).toBe(400)
    expect(noWhy.body.message).toMatch(/why/)
  })

  it('records every action in an audit log that nobody can edit', async () => {
    const { docs } = await opened.payload.find({ collection: 'audit-log', sort: 'createdAt', depth: 0 })
    expect(docs.map((doc) => [doc.action, doc.result, doc.actor])).toEqual([
      ['dead-letter.retry', 'succeeded', 'dlq-admin@example.com'],
      ['dead-letter.retry', 'failed', 'dlq-admin@example.com'],
      ['dead-letter.discard', 'succeeded', 'dlq-admin@example.com'],
    ])
    expect(docs[2]!.detail).toMatchObject({ why: 'test entry from the load generator', done: 1 })
    const id = docs[0]!.id
    // Not even an admin can create, change or delete an entry; supervisors cannot read it
    expect((await call('PATCH', `/api/audit-log/${id}`, admin, { result: 'failed' })).status).toBe(403)
    expect((await call('DELETE', `/api/audit-log/${id}`, admin)).status).toBe(403)
    expect(
      (await call('POST', '/api/audit-log', admin, { action: 'x', result: 'succeeded', actor: 'me' })).status,
    ).toBe(403)
    expect((await call('GET', `/api/audit-log/${id}`, admin)).status).toBe(200)
    expect((await call('GET', `/api/audit-log/${id}`, supervisor)).status).toBe(403)
  })

  it('refuses supervisors (403) and anonymous callers (401) on every operations endpoint', async () => {
    const [letter] = await deadLettersOf(opened.redis, stream)
    const endpoints: Array<[string, string, unknown?]> = [
      ['GET', '/api/metrics'],
      ['GET', '/api/ops/status'],
      ['GET', '/api/ops/alerts'],
      ['GET', '/api/ops/dead-letters/groups'],
      ['GET', '/api/ops/dead-letters?projection=dashboard'],
      ['GET', '/api/ops/dead-letters/archive'],
      ['GET', `/api/ops/dead-letters/dashboard/${letter!.id}`],
      ['POST', '/api/ops/dead-letters/retry', { projection: 'dashboard', ids: [letter!.id] }],
      ['POST', '/api/ops/dead-letters/discard', { projection: 'dashboard', ids: [letter!.id], why: 'not allowed' }],
    ]
    for (const [method, route, body] of endpoints) {
      const asSupervisor = await call(method, route, supervisor, body)
      expect(asSupervisor.status, `${method} ${route} as a supervisor`).toBe(403)
      expect(asSupervisor.body.message).toEqual(expect.any(String))
      expect((await call(method, route, undefined, body)).status, `${method} ${route} anonymously`).toBe(401)
    }
    // And nothing changed
    expect((await deadLettersOf(opened.redis, stream)).map((l) => l.id)).toContain(letter!.id)
    expect((await call('GET', '/api/health', supervisor)).body).toEqual({
      status: expect.any(String),
      checkedAt: expect.any(String),
    })
  })
})
