import crypto from 'node:crypto'

import { getPayload, type Payload } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import config from '@/payload.config'
import type { PresenceMessage } from '@/presence/presence'
import { closeRealtime } from '@/realtime/shared'

import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { openSse, type SseClient } from '../helpers/sse'
import { sleep } from '../helpers/wait'

// This file's own feed and presence keys on the shared test redis-server; a short TTL to watch
// expiry (so a heartbeat every 750 ms), and an allowance of 5 heartbeats per user in that time.
process.env.REALTIME_STREAM = `test:${crypto.randomUUID()}:changes`
process.env.PRESENCE_PREFIX = `test:${crypto.randomUUID()}:presence:`
process.env.PRESENCE_TTL_MS = '1500'
process.env.PRESENCE_HEARTBEATS_PER_USER = '5'

let payload: Payload
let server: ApiServer
let ann: string
let bo: string
const opened = new Set<SseClient>()

const call = (auth: string | undefined, path: string, body?: object) =>
  fetch(`${server.url}/api${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { ...(auth ? { authorization: auth } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
const viewing = async (auth: string, conversationId: string) => {
  const response = await call(auth, `/presence?conversations=${encodeURIComponent(conversationId)}`)
  expect(response.status).toBe(200)
  const { viewers } = (await response.json()) as { viewers: Record<string, Array<{ name: string; ttlMs: number }>> }
  return (viewers[conversationId] ?? []).map((viewer) => viewer.name)
}

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
  server = await serveApi(config)
  for (const [email, firstName] of [
    ['ann@example.com', 'Ann'],
    ['bo@example.com', 'Bo'],
  ]) {
    await payload.create({
      collection: 'users',
      data: { email, password: 'sup-pass-1', firstName: firstName!, lastName: 'Lee', role: 'supervisor' },
    })
  }
  ann = await login(server.url, 'ann@example.com', 'sup-pass-1')
  bo = await login(server.url, 'bo@example.com', 'sup-pass-1')
  for (const n of [1, 2, 3, 4])
    await payload.create({ collection: 'conversations', data: { conversationId: `C-presence-${n}`, status: 'active' } })
})

afterEach(() => {
  for (const client of opened) client.close()
  opened.clear()
})

afterAll(async () => {
  closeRealtime()
  await server?.close()
  await payload?.destroy()
})

describe('presence', () => {
  it('a viewer appears to others, live, and is gone soon after the heartbeats stop', async () => {
    // Given Bo follows the conversation's changes
    const feed = await openSse(`${server.url}/api/realtime?conversation=C-presence-1`, { authorization: bo })
    opened.add(feed)
    await feed.next()
    expect(await viewing(bo, 'C-presence-1')).toEqual([])

    // When Ann opens the conversation (her view's first heartbeat)
    const beat = await call(ann, '/presence/heartbeat', { conversationId: 'C-presence-1' })
    expect(beat.status).toBe(200)

    // Then Bo sees her, both in a read and on the feed, with how long she stays without another heartbeat
    expect(await viewing(bo, 'C-presence-1')).toEqual(['Ann Lee'])
    const frame = await feed.next((event) => event.event === 'presence')
    const message = JSON.parse(frame.data) as PresenceMessage
    expect(message.doc.conversationId).toBe('C-presence-1')
    expect(message.doc.viewers).toEqual([{ id: expect.any(String), name: 'Ann Lee', ttlMs: 1500 }])

    // and heartbeats keep her there past one TTL
    await sleep(900)
    await call(ann, '/presence/heartbeat', { conversationId: 'C-presence-1' })
    await sleep(900)
    expect(await viewing(bo, 'C-presence-1')).toEqual(['Ann Lee'])

    // When her heartbeats stop (the tab closed without a word), she is gone within the TTL
    const stopped = Date.now()
    await expect.poll(() => viewing(bo, 'C-presence-1'), { timeout: 5_000, interval: 50 }).toEqual([])
    expect(Date.now() - stopped, 'gone within the TTL (1.5 s) of her last heartbeat, give or take').toBeLessThan(2_500)
    // and nothing is left in Redis
    const redisKeys = await (
      await import('@/lib/redis')
    )
      .appRedis(payload.logger)
      .keys(`${process.env.PRESENCE_PREFIX}*`)
    expect(redisKeys).toEqual([])
  })

  it('leaving says so at once, to everyone', async () => {
    await call(ann, '/presence/heartbeat', { conversationId: 'C-presence-2' })
    await call(bo, '/presence/heartbeat', { conversationId: 'C-presence-2' })
    expect(await viewing(ann, 'C-presence-2')).toEqual(['Ann Lee', 'Bo Lee'])
    const feed = await openSse(`${server.url}/api/realtime?conversation=C-presence-2`, { authorization: ann })
    opened.add(feed)
    await feed.next()

    const left = await call(bo, '/presence/leave', { conversationId: 'C-presence-2' })
    expect(((await left.json()) as { viewers: Array<{ name: string }> }).viewers.map((v) => v.name)).toEqual([
      'Ann Lee',
    ])
    const frame = await feed.next((event) => event.event === 'presence')
    expect((JSON.parse(frame.data) as PresenceMessage).doc.viewers.map((viewer) => viewer.name)).toEqual(['Ann Lee'])
    expect(await viewing(ann, 'C-presence-2')).toEqual(['Ann Lee'])
  })

  it('a heartbeat for a conversation never recorded is a 404, and announces nothing', async () => {
    // Given Bo follows the whole feed
    const feed = await openSse(`${server.url}/api/realtime`, { authorization: bo })
    opened.add(feed)
    await feed.next()

    // When Ann sends a heartbeat for a conversation that does not exist
    const unknown = await call(ann, '/presence/heartbeat', { conversationId: 'C-never-recorded' })

    // Then she is told so, and nobody is viewing it
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as { message: string }).message).toMatch(/No conversation C-never-recorded/)
    expect(await viewing(bo, 'C-never-recorded')).toEqual([])

    // and the first presence Bo hears of is the next real one (Ann opening a recorded conversation)
    expect((await call(ann, '/presence/heartbeat', { conversationId: 'C-presence-3' })).status).toBe(200)
    const first = await feed.next((event) => event.event === 'presence')
    expect((JSON.parse(first.data) as PresenceMessage).doc.conversationId).toBe('C-presence-3')
  })

  it('a burst of heartbeats is limited and announced once; an arrival and a leave once each', async () => {
    // Given Bo follows the conversation
    const feed = await openSse(`${server.url}/api/realtime?conversation=C-presence-4`, { authorization: bo })
    opened.add(feed)
    await feed.next()
    const announced = () =>
      feed.events
        .filter((event) => event.event === 'presence')
        .map((event) => (JSON.parse(event.data) as PresenceMessage).doc.viewers.map((viewer) => viewer.name))

    // When Ann sends 20 heartbeats at once
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => call(ann, '/presence/heartbeat', { conversationId: 'C-presence-4' })),
    )

    // Then those beyond her allowance are refused, saying when to send the next
    const statuses = burst.map((response) => response.status)
    expect(statuses).toContain(200)
    expect(statuses).toContain(429)
    const refused = burst.find((response) => response.status === 429)!
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(((await refused.json()) as { message: string }).message).toMatch(/Too many presence heartbeats/)

    // When Bo opens the conversation too: his arrival is the next announcement
    expect((await call(bo, '/presence/heartbeat', { conversationId: 'C-presence-4' })).status).toBe(200)
    await feed.until(() => announced().length > 0 && announced().at(-1)!.includes('Bo Lee'))

    // Then Ann's burst (her arrival, then renewals) was announced once, and Bo's arrival once
    expect(announced()).toEqual([['Ann Lee'], ['Ann Lee', 'Bo Lee']])

    // and when Bo leaves, that is the next announcement
    expect((await call(bo, '/presence/leave', { conversationId: 'C-presence-4' })).status).toBe(200)
    await feed.until(() => announced().length > 2)
    expect(announced()).toEqual([['Ann Lee'], ['Ann Lee', 'Bo Lee'], ['Ann Lee']])
  })

  it('is for staff only, and bad input is a 400 that says why', async () => {
    expect((await call(undefined, '/presence?conversations=C-1')).status).toBe(401)
    expect((await call(undefined, '/presence/heartbeat', { conversationId: 'C-1' })).status).toBe(401)
    const bad = await call(ann, '/presence/heartbeat', { conversation: 'C-1' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toMatch(/conversationId/)
  })
})
