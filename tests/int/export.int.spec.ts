/*
 * Exports over real HTTP: a conversation as JSON and as a printable page, and the board's
 * filter as a streamed CSV of 50,000 rows.
 */
import crypto from 'node:crypto'
import v8 from 'node:v8'
import vm from 'node:vm'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { attentionWhere } from '@/attention/rules'
import { attentionThresholds } from '@/attention/settings'
import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { STORES } from '@/store'

import { startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { seedConversations } from '../helpers/seedConversations'
import { parseCsv } from '../helpers/csv'
import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { appendAll, type Appended, oracleOf } from '../helpers/stream'

const opened = openPayloadAndRedis()
const onSqlite = (process.env.DATABASE_URI ?? 'file:').startsWith('file:')
const stream = `test:export:${crypto.randomUUID()}`
const SEEDED = 50_000
/** A full garbage collection, so heap figures count what is held, not garbage not yet collected. */
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
let appended: Appended[] = []
let server: ApiServer
let sue: string

const call = (path: string, auth?: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...init.headers },
  })

beforeAll(async () => {
  process.env.CHAT_LEDGER_STREAM = stream
  server = await serveApi(config)
  await call('/api/users/first-register', undefined, {
    method: 'POST',
    body: JSON.stringify({ email: 'admin@example.com', password: 'admin-pass-1', firstName: 'Ada', lastName: 'A' }),
  })
  const admin = await login(server.url, 'admin@example.com', 'admin-pass-1')
  await call('/api/users', admin, {
    method: 'POST',
    body: JSON.stringify({ email: 'sue@example.com', password: 'sup-pass-1', firstName: 'Sue', lastName: 'S' }),
  })
  sue = await login(server.url, 'sue@example.com', 'sup-pass-1')
  appended = await appendAll(opened.redis, stream, generateCorpus({ events: 400, seed: 7 }))
  await startWorker(opened.payload, stream, { connectionName: 'export', store: STORES.dashboard }).done
}, 120_000)

afterAll(async () => {
  delete process.env.CHAT_LEDGER_STREAM
  await server?.close()
})

describe('exports', () => {
  it('are for staff only', async () => {
    for (const path of ['/api/export/board.csv', '/api/export/conversations/anything']) {
      const res = await call(path)
      expect(res.status).toBe(401)
      expect((await res.json()).message).toMatch(/Log in/)
    }
  })

  it('a conversation as JSON: record, application, customer, transcript with rationale, reviews, notes', async () => {
    // Given a conversation with a review and a note
    const oracle = oracleOf(appended)
    const [conversationId, expected] = [...oracle.conversations.entries()].find(([, c]) => c.messageCount > 3)!
    await call('/api/reviews', sue, { method: 'POST', body: JSON.stringify({ conversationId, reason: 'Look again' }) })
    await call('/api/notes', sue, { method: 'POST', body: JSON.stringify({ conversationId, body: '<b>checked</b>' }) })

    // When Sue exports it
    const res = await call(`/api/export/conversations/${conversationId}`, sue)

    // Then she downloads all of it
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="conversation-.+\.json"/)
    const data = await res.json()
    expect(data.conversation).toMatchObject({ conversationId, messageCount: expected.messageCount })
    expect(data.conversation.projection).toBeUndefined()
    expect(data.transcript).toHaveLength(expected.messageCount)
    const lines = [...oracle.utterances.values()].filter((line) => line.conversationId === conversationId)
    const rationales = lines.map((line) => line.rationale).filter(Boolean)
    expect(data.transcript.map((line: { rationale: string | null }) => line.rationale).filter(Boolean)).toEqual(
      expect.arrayContaining(rationales),
    )
    expect(data.application?.applicationNumber).toBe(expected.applicationNumber)
    expect(data.reviews).toMatchObject([{ reason: 'Look again', status: 'open' }])
    expect(data.notes).toMatchObject([{ body: '<b>checked</b>', authorName: 'Sue S' }])

    // and as a printable page, where what people wrote is text, never markup
    const page = await call(`/api/export/conversations/${conversationId}?format=print`, sue)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    const html = await page.text()
    expect(html).toContain('&lt;b&gt;checked&lt;/b&gt;')
    expect(html).not.toContain('<b>checked</b>')
    expect(html).toContain(`Transcript (${expected.messageCount} lines)`)
  })

  it('answers an unknown conversation with 404 and a bad format with 400, as JSON', async () => {
    const missing = await call('/api/export/conversations/nope', sue)
    expect(missing.status).toBe(404)
    expect((await missing.json()).message).toMatch(/No conversation nope/)
    expect((await call('/api/export/conversations/nope?format=xml', sue)).status).toBe(400)
  })

  it('the board as CSV: what a customer typed never opens as a formula, however a spreadsheet splits it', async () => {
    // Given a customer who typed a formula after a `;` (a list separator in many locales), and
    // a purpose with one after a line break
    await opened.payload.db.create({
      collection: 'conversations',
      data: {
        conversationId: 'C-formula',
        status: 'active',
        customerName: 'Smith;=HYPERLINK("http://evil.example","Click")',
        purpose: 'Car\n =1+1',
        lastActivityAt: new Date().toISOString(),
        version: 1,
        projection: { stamps: {} },
      },
    })

    // When Sue exports the board
    const csv = await (await call('/api/export/board.csv?q=C-formula', sue)).text()

    // Then every cell is quoted, and each formula reads as text
    expect(csv.split('\r\n')[1]).toMatch(/^"C-formula","",/)
    const [header, row] = parseCsv(csv)
    const cell = (column: string) => row![header!.indexOf(column)]
    expect(cell('customerName')).toBe(`Smith;'=HYPERLINK("http://evil.example","Click")`)
    expect(cell('purpose')).toBe("Car\n '=1+1")
  })
})

describe.runIf(onSqlite)('the board as CSV', () => {
  it(
    'streams 50,000 rows in the board’s order, reading as the client reads, in bounded memory',
    { timeout: 180_000 },
    async () => {
      // Given 50,000 more conversations on the board
      const { payload } = opened
      await seedConversations(payload, SEEDED)
      const total = (await payload.count({ collection: 'conversations' })).totalDocs

      // When Sue downloads the board (an unknown parameter, such as a filter another version adds, is ignored)
      gc()
      const heapBefore = process.memoryUsage().heapUsed
      let heapPeak = heapBefore
      const res = await call('/api/export/board.csv?attention=any&view=x', sue)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/text\/csv/)
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      const first = await reader.read()
      const head = decoder.decode(first.value, { stream: true })
      expect(head.split('\r\n')[0]).toMatch(/^"conversationId","applicationNumber","customerName","status"/)

      // and, after the first bytes, a conversation older than every other one arrives: a stream
      // that reads along the way still reaches it and lists it last; one made up front would not
      await payload.db.create({
        collection: 'conversations',
        data: {
          conversationId: 'zz-arrived-late',
          status: 'active',
          lastActivityAt: '2001-01-01T00:00:00.000Z',
          version: 1,
          projection: { stamps: {} },
        },
      })
      // (the client keeps only the ids, so the heap measures the server's side)
      const ids: string[] = []
      let rest = head.slice(head.indexOf('\r\n') + 2)
      let chunks = 1
      for (;;) {
        const { done, value } = await reader.read()
        if (!done) rest += decoder.decode(value, { stream: true })
        const rows = rest.split('\r\n')
        rest = done ? '' : rows.pop()!
        // (every cell is quoted, and no conversation id holds a quote)
        for (const row of rows) if (row) ids.push(row.slice(1, row.indexOf('"', 1)))
        if (done) break
        chunks += 1
        if (chunks % 10 === 0) {
          gc()
          heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
        }
      }

      // Then every row is there once, in the board's order, the late one last
      expect(ids).toHaveLength(total + 1)
      expect(ids.at(-1)).toBe('zz-arrived-late')
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.indexOf('seed-conv-049999')).toBeLessThan(ids.indexOf('seed-conv-000000'))
      expect(chunks).toBeGreaterThan(10)
      // and the server never held the whole export: what the heap holds mid-stream (after a full
      // collection) stays far below the rows themselves (50,000 rows as documents take over 50 MB)
      const growthMb = (heapPeak - heapBefore) / 2 ** 20
      console.info(`[export.int] heap held mid-stream: +${growthMb.toFixed(1)} MB over ${chunks} chunks`)
      expect(growthMb).toBeLessThan(24)
    },
  )

  it('keeps the board’s filter: status and search', async () => {
    const approved = await (await call('/api/export/board.csv?status=approved', sue)).text()
    const rows = parseCsv(approved).slice(1)
    const count = await opened.payload.count({ collection: 'conversations', where: { status: { equals: 'approved' } } })
    expect(rows).toHaveLength(count.totalDocs)
    expect(rows.every((row) => row[3] === 'approved')).toBe(true)

    const searched = await (await call('/api/export/board.csv?q=seed-conv-00012', sue)).text()
    expect(parseCsv(searched).slice(1)).toHaveLength(10)
  })

  /** The conversation ids of the board's CSV for `query`, as Sue exports it, sorted. */
  const exportedIds = async (query: string) => {
    const csv = await (await call(`/api/export/board.csv?${query}`, sue)).text()
    return parseCsv(csv)
      .slice(1)
      .map((row) => row[0])
      .sort()
  }

  it('keeps the board’s filter: conversations with an open review', async () => {
    // Given open reviews on some conversations (one assigned to nobody)
    const open = await opened.payload.find({
      collection: 'reviews',
      where: { status: { equals: 'open' } },
      pagination: false,
    })
    expect(open.docs.length).toBeGreaterThan(0)
    const reviewed = [...new Set(open.docs.map((review) => review.conversationId))].sort()

    // When Sue exports the board filtered to them, she gets those and only those
    expect(await exportedIds('review=all')).toEqual(reviewed)

    // and "assigned to me" has none of them, as none is assigned to her
    expect(await exportedIds('review=mine')).toEqual([])
  })

  it('keeps the board’s filter: needs attention, judged at the request’s clock', async () => {
    // Given conversations of which some need attention now (the board's own query says which)
    const flagged = await opened.payload.find({
      collection: 'conversations',
      where: attentionWhere(Date.now(), attentionThresholds()),
      pagination: false,
      select: { conversationId: true },
    })
    const total = await opened.payload.count({ collection: 'conversations' })
    expect(flagged.docs.length).toBeGreaterThan(0)
    expect(flagged.docs.length).toBeLessThan(total.totalDocs)

    // When Sue exports the board filtered to them, she gets those and only those
    expect(await exportedIds('attention=1')).toEqual(flagged.docs.map((doc) => doc.conversationId).sort())
  })
})
