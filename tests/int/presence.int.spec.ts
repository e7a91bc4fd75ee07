import crypto from 'node:crypto'

import { getPayload, type Payload } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import config from '@/payload.config'
import type { PresenceMessage } from '@/presence/presence'
import { closeRealtime } from '@/realtime/shared'

import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { openSse, type SseClient } from '../helpers/sse'

// This file's own feed and presence keys on the shared test redis-server; a short TTL to watch expiry.
process.env.REALTIME_STREAM = `test:${crypto.randomUUID()}:changes`
process.env.PRESENCE_PREFIX = `test:${crypto.randomUUID()}:presence:`
process.env.PRESENCE_TTL_MS = '1500'

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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

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
    await sleep(1_600)
    expect(await viewing(bo, 'C-presence-1')).toEqual([])
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

  it('is for staff only, and bad input is a 400 that says why', async () => {
    expect((await call(undefined, '/presence?conversations=C-1')).status).toBe(401)
    expect((await call(undefined, '/presence/heartbeat', { conversationId: 'C-1' })).status).toBe(401)
    const bad = await call(ann, '/presence/heartbeat', { conversation: 'C-1' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toMatch(/conversationId/)
  })
})
