/*
 * Reviews and notes: supervisors' own data, over real HTTP with real sessions, beside a real
 * worker and a real rebuild of the projection they sit on.
 */
import crypto from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { runJob } from '@/rebuild'
import { STORES } from '@/store'

import { expectDatabaseToEqual } from '../helpers/compare'
import { startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { openSqlite } from '../helpers/sqlite'
import { appendAll, type Appended, oracleOf } from '../helpers/stream'

const opened = openPayloadAndRedis()
const databaseUri = process.env.DATABASE_URI ?? 'file:'
const stream = `test:reviews:${crypto.randomUUID()}`
let appended: Appended[] = []
let server: ApiServer
let admin: string
let sue: string
let otto: string
let sueId: number
let ottoId: number
let conversationId: string

const call = (path: string, auth?: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...init.headers },
  })
const post = (path: string, auth: string | undefined, body: object) =>
  call(path, auth, { method: 'POST', body: JSON.stringify(body) })
const patch = (path: string, auth: string | undefined, body: object) =>
  call(path, auth, { method: 'PATCH', body: JSON.stringify(body) })

beforeAll(async () => {
  process.env.CHAT_LEDGER_STREAM = stream
  server = await serveApi(config)
  // Given an admin and two supervisors, Sue and Otto
  await post('/api/users/first-register', undefined, {
    email: 'admin@example.com',
    password: 'admin-pass-1',
    firstName: 'Ada',
    lastName: 'Admin',
  })
  admin = await login(server.url, 'admin@example.com', 'admin-pass-1')
  for (const [email, firstName] of [
    ['sue@example.com', 'Sue'],
    ['otto@example.com', 'Otto'],
  ]) {
    expect((await post('/api/users', admin, { email, password: 'sup-pass-1', firstName, lastName: 'S' })).status).toBe(
      201,
    )
  }
  sue = await login(server.url, 'sue@example.com', 'sup-pass-1')
  otto = await login(server.url, 'otto@example.com', 'sup-pass-1')
  const users = await opened.payload.find({ collection: 'users', depth: 0 })
  sueId = users.docs.find((user) => user.email === 'sue@example.com')!.id
  ottoId = users.docs.find((user) => user.email === 'otto@example.com')!.id
  // and conversations the worker projected from the stream
  appended = await appendAll(opened.redis, stream, generateCorpus({ events: 600, seed: 12 }))
  await startWorker(opened.payload, stream, { connectionName: 'reviews', store: STORES.dashboard }).done
  conversationId = [...oracleOf(appended).conversations.keys()][0]!
})

afterAll(async () => {
  delete process.env.CHAT_LEDGER_STREAM
  await server?.close()
})

describe('reviews', () => {
  let reviewId: number

  it('a supervisor flags a conversation; who flagged it comes from the session, not the request', async () => {
    const res = await post('/api/reviews', sue, { conversationId, reason: 'Income looks odd', flaggedBy: ottoId })
    expect(res.status).toBe(201)
    const { doc } = await res.json()
    reviewId = doc.id
    expect(doc).toMatchObject({ status: 'open', flaggedBy: sueId, flaggedByName: 'Sue S', assignee: null })
  })

  it('a second open review of the same conversation is refused with a message', async () => {
    const res = await post('/api/reviews', otto, { conversationId, reason: 'Again' })
    expect(res.status).toBe(409)
    expect((await res.json()).errors[0].message).toMatch(/already has an open review/)
  })

  it('the author assigns it to another supervisor, who resolves it; versions keep the history', async () => {
    const assigned = await patch(`/api/reviews/${reviewId}`, sue, { assignee: ottoId })
    expect(assigned.status).toBe(200)
    expect((await assigned.json()).doc).toMatchObject({ assignee: ottoId, assigneeName: 'Otto S' })

    const resolved = await patch(`/api/reviews/${reviewId}`, otto, { status: 'resolved' })
    expect(resolved.status).toBe(200)
    const { doc } = await resolved.json()
    expect(doc).toMatchObject({ status: 'resolved', resolvedByName: 'Otto S' })
    expect(doc.resolvedAt).toEqual(expect.any(String))

    const versions = await (await call(`/api/reviews/versions?where[parent][equals]=${reviewId}`, sue)).json()
    expect(versions.docs.map((version: { version: { status: string } }) => version.version.status).sort()).toEqual([
      'open',
      'open',
      'resolved',
    ])
  })

  it('a supervisor who neither flagged nor holds a review cannot change it; an admin can', async () => {
    // Given a review Sue flagged and did not assign
    const { doc } = await (await post('/api/reviews', sue, { conversationId, reason: 'Second look' })).json()
    // When Otto tries to resolve or reword it, he is refused and nothing changes
    expect((await patch(`/api/reviews/${doc.id}`, otto, { status: 'resolved' })).status).toBe(403)
    expect((await patch(`/api/reviews/${doc.id}`, otto, { reason: 'mine now' })).status).toBe(403)
    // while an admin reassigns it, and the assignee may resolve but not reword it
    expect((await patch(`/api/reviews/${doc.id}`, admin, { assignee: ottoId })).status).toBe(200)
    expect((await patch(`/api/reviews/${doc.id}`, otto, { reason: 'mine now' })).status).toBe(403)
    expect((await patch(`/api/reviews/${doc.id}`, otto, { status: 'resolved' })).status).toBe(200)
    const stored = await opened.payload.findByID({ collection: 'reviews', id: doc.id })
    expect(stored).toMatchObject({ reason: 'Second look', status: 'resolved', flaggedBy: sueId })
  })

  it('cannot be assigned to someone who is not staff', async () => {
    const { doc } = await (await post('/api/reviews', sue, { conversationId: 'conv-other', reason: 'x' })).json()
    const res = await patch(`/api/reviews/${doc.id}`, sue, { assignee: 999_999 })
    expect(res.status).toBe(400)
  })

  it('the assignees endpoint names every supervisor and admin, for staff only', async () => {
    const res = await call('/api/reviews/assignees', otto)
    expect(res.status).toBe(200)
    expect((await res.json()).docs.map((user: { name: string }) => user.name).sort()).toEqual([
      'Ada Admin',
      'Otto S',
      'Sue S',
    ])
    expect((await call('/api/reviews/assignees')).status).toBe(401)
  })
})

describe('notes', () => {
  it('form a thread; each is edited and deleted by its author only, admins included', async () => {
    const first = (await (await post('/api/notes', sue, { conversationId, body: 'Called the customer' })).json()).doc
    const second = (await (await post('/api/notes', otto, { conversationId, body: 'Payslip checks out' })).json()).doc
    expect(first).toMatchObject({ author: sueId, authorName: 'Sue S' })

    // Otto and the admin cannot change or delete Sue's note
    expect((await patch(`/api/notes/${first.id}`, otto, { body: 'forged' })).status).toBe(403)
    expect((await patch(`/api/notes/${first.id}`, admin, { body: 'forged' })).status).toBe(403)
    expect((await call(`/api/notes/${first.id}`, admin, { method: 'DELETE' })).status).toBe(403)
    // Sue edits her own; her earlier wording stays in its versions
    expect((await patch(`/api/notes/${first.id}`, sue, { body: 'Called the customer twice' })).status).toBe(200)
    // and cannot move it to another conversation or another author
    await patch(`/api/notes/${first.id}`, sue, { conversationId: 'elsewhere', author: ottoId })

    const thread = await (
      await call(`/api/notes?where[conversationId][equals]=${conversationId}&sort=createdAt&depth=0`, otto)
    ).json()
    expect(thread.docs.map((note: { body: string; author: number }) => [note.body, note.author])).toEqual([
      ['Called the customer twice', sueId],
      ['Payslip checks out', ottoId],
    ])
    const versions = await (await call(`/api/notes/versions?where[parent][equals]=${first.id}`, sue)).json()
    expect(versions.docs.map((version: { version: { body: string } }) => version.version.body)).toContain(
      'Called the customer',
    )
    expect(second.id).toBeDefined()
  })
})

describe('anonymous callers', () => {
  it('read and write nothing', async () => {
    for (const path of ['/api/reviews', '/api/notes', '/api/reviews/versions', '/api/notes/versions']) {
      const res = await call(path)
      expect([401, 403]).toContain(res.status)
    }
    expect([401, 403]).toContain((await post('/api/reviews', undefined, { conversationId, reason: 'x' })).status)
    expect([401, 403]).toContain((await post('/api/notes', undefined, { conversationId, body: 'x' })).status)
  })
})

describe.runIf(databaseUri.startsWith('file:'))('a rebuild of the dashboard projection', () => {
  it('leaves reviews and notes as they were, still on their conversation', async () => {
    // Given a review and a note on a conversation, and the projection damaged so a rebuild
    // rewrites every conversation and recreates this one
    const review = (await (await post('/api/reviews', otto, { conversationId, reason: 'Before rebuild' })).json()).doc
    await post('/api/notes', otto, { conversationId, body: 'Still here after the rebuild?' })
    const before = await opened.payload.find({ collection: 'reviews', pagination: false, depth: 0 })
    const notesBefore = await opened.payload.find({ collection: 'notes', pagination: false, depth: 0 })
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute('UPDATE conversations SET message_count = -1')
    await sqlite.execute(
      `DELETE FROM utterances WHERE conversation_id IN
         (SELECT id FROM conversations WHERE conversation_id = '${conversationId}')`,
    )
    await sqlite.execute(`DELETE FROM conversations WHERE conversation_id = '${conversationId}'`)
    sqlite.close()

    // When the dashboard is rebuilt from the stream
    const rebuilt = await runJob(opened.payload, opened.redis, 'rebuild', 'dashboard', { by: 'test' })
    expect(rebuilt.job).toBe('rebuild')
    await expectDatabaseToEqual(opened.payload, oracleOf(appended))

    // Then the reviews and notes are exactly as they were, and their conversation is back
    const after = await opened.payload.find({ collection: 'reviews', pagination: false, depth: 0 })
    const notesAfter = await opened.payload.find({ collection: 'notes', pagination: false, depth: 0 })
    expect(after.docs).toEqual(before.docs)
    expect(notesAfter.docs).toEqual(notesBefore.docs)
    const open = await opened.payload.find({ collection: 'reviews', where: { id: { equals: review.id } } })
    expect(open.docs[0]).toMatchObject({ conversationId, status: 'open', reason: 'Before rebuild' })
    const conversation = await opened.payload.find({
      collection: 'conversations',
      where: { conversationId: { equals: conversationId } },
    })
    expect(conversation.totalDocs).toBe(1)
  })
})
