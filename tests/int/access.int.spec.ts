import { configToSchema } from '@payloadcms/graphql'
import { createRequire } from 'node:module'

import type * as GraphQL from 'graphql'
import { createLocalReq, getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import config from '@/payload.config'

import { type ApiServer, login, serveApi } from '../helpers/serveApi'

let payload: Payload
let server: ApiServer
let api: string
let admin: string
let supervisor: string
let supervisorId: number | string
let otherId: number | string
let conversationId: number | string

const call = (path: string, auth?: string, init: RequestInit = {}) =>
  fetch(`${api}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...init.headers },
  })

beforeAll(async () => {
  payload = await getPayload({ config })
  server = await serveApi(config)
  api = server.url

  // Given: the first user registers (and becomes admin), then invites two supervisors over HTTP
  const first = await call('/api/users/first-register', undefined, {
    method: 'POST',
    body: JSON.stringify({ email: 'admin@example.com', password: 'admin-pass-1', firstName: 'Ada', lastName: 'Admin' }),
  })
  expect(first.status).toBe(200)
  admin = await login(api, 'admin@example.com', 'admin-pass-1')
  for (const email of ['sup@example.com', 'other@example.com']) {
    const res = await call('/api/users', admin, {
      method: 'POST',
      body: JSON.stringify({ email, password: 'sup-pass-1', firstName: 'Sue', lastName: 'Pervisor' }),
    })
    expect(res.status).toBe(201)
  }
  supervisor = await login(api, 'sup@example.com', 'sup-pass-1')
  const users = await payload.find({ collection: 'users', depth: 0 })
  supervisorId = users.docs.find((user) => user.email === 'sup@example.com')!.id
  otherId = users.docs.find((user) => user.email === 'other@example.com')!.id

  // and the worker (Local API) has projected one conversation
  conversationId = (
    await payload.create({
      collection: 'conversations',
      data: { conversationId: 'C-1', status: 'active', messageCount: 0 },
    })
  ).id
})

afterAll(async () => {
  await server?.close()
  await payload?.destroy()
})

describe('the first user', () => {
  it('is an admin, and nobody can register as "first" once a user exists', async () => {
    const me = await (await call('/api/users/me', admin)).json()
    expect(me.user.role).toBe('admin')

    const again = await call('/api/users/first-register', undefined, {
      method: 'POST',
      body: JSON.stringify({ email: 'late@example.com', password: 'late-pass-1', firstName: 'L', lastName: 'L' }),
    })
    expect(again.status).toBeGreaterThanOrEqual(400)
    expect(
      await payload.count({ collection: 'users', where: { email: { equals: 'late@example.com' } } }),
    ).toMatchObject({ totalDocs: 0 })
  })
})

describe("the worker's bookkeeping", () => {
  it('never reaches a REST or GraphQL response, while the worker still reads it', async () => {
    // Given a conversation whose projection bookkeeping is stored
    const projection = { stamps: { status: '1700000000000-0' }, applied: {} }
    await payload.db.updateOne({ collection: 'conversations', id: conversationId, data: { projection } })

    // When an admin reads it over REST, one record and the list
    const one = await (await call(`/api/conversations/${conversationId}`, admin)).json()
    const list = await (await call('/api/conversations?depth=0', admin)).json()
    // and asks GraphQL for it (Node's own copy of graphql: the one Payload's schema was built with)
    const { graphql } = createRequire(import.meta.url)('graphql') as typeof GraphQL
    const { schema } = configToSchema(payload.config)
    const user = (await payload.find({ collection: 'users', where: { role: { equals: 'admin' } }, limit: 1 })).docs[0]
    const asked = await graphql({
      schema,
      source: '{ Conversations { docs { conversationId projection } } }',
      contextValue: { req: await createLocalReq({ user: { ...user!, collection: 'users' } }, payload), headers: {} },
    })

    // Then neither answer carries it
    expect(one.conversationId).toBe('C-1')
    expect(one).not.toHaveProperty('projection')
    expect(list.docs[0]).not.toHaveProperty('projection')
    expect(asked.errors).toBeUndefined()
    expect(asked.data).toEqual({ Conversations: { docs: [{ conversationId: 'C-1', projection: null }] } })
    // and the worker's adapter read still has it
    const stored = await payload.db.findOne({ collection: 'conversations', where: { id: { equals: conversationId } } })
    expect((stored as { projection?: unknown }).projection).toEqual(projection)
  })
})

describe('a supervisor', () => {
  it('reads conversations, customers, applications and utterances', async () => {
    for (const slug of ['conversations', 'customers', 'applications', 'utterances']) {
      const res = await call(`/api/${slug}`, supervisor)
      expect(res.status, slug).toBe(200)
    }
    const list = await (await call('/api/conversations', supervisor)).json()
    expect(list.docs.map((doc: { conversationId: string }) => doc.conversationId)).toEqual(['C-1'])
  })

  it('cannot create, update or delete a conversation', async () => {
    const create = await call('/api/conversations', supervisor, {
      method: 'POST',
      body: JSON.stringify({ conversationId: 'C-forged', status: 'approved' }),
    })
    const update = await call(`/api/conversations/${conversationId}`, supervisor, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'approved' }),
    })
    const remove = await call(`/api/conversations/${conversationId}`, supervisor, { method: 'DELETE' })

    expect([create.status, update.status, remove.status]).toEqual([403, 403, 403])
    const stored = await payload.findByID({ collection: 'conversations', id: conversationId })
    expect(stored.status).toBe('active')
    expect(await payload.count({ collection: 'conversations' })).toMatchObject({ totalDocs: 1 })
  })

  it('cannot change their own role, though they may edit their own name', async () => {
    const res = await call(`/api/users/${supervisorId}`, supervisor, {
      method: 'PATCH',
      body: JSON.stringify({ role: 'admin', firstName: 'Susan' }),
    })
    expect(res.status).toBe(200)
    const stored = await payload.findByID({ collection: 'users', id: supervisorId })
    expect(stored).toMatchObject({ role: 'supervisor', firstName: 'Susan' })
  })

  it('reads only their own user record', async () => {
    const list = await (await call('/api/users', supervisor)).json()
    expect(list.docs.map((user: { email: string }) => user.email)).toEqual(['sup@example.com'])

    const other = await call(`/api/users/${otherId}`, supervisor)
    expect(other.status).toBeGreaterThanOrEqual(400)
  })

  it('cannot create users, change another user, or delete one', async () => {
    const create = await call('/api/users', supervisor, {
      method: 'POST',
      body: JSON.stringify({
        email: 'sneaky@example.com',
        password: 'x-pass-123',
        firstName: 'S',
        lastName: 'S',
        role: 'admin',
      }),
    })
    const promote = await call(`/api/users/${otherId}`, supervisor, {
      method: 'PATCH',
      body: JSON.stringify({ role: 'admin' }),
    })
    const remove = await call(`/api/users/${otherId}`, supervisor, { method: 'DELETE' })
    expect(create.status).toBe(403)
    expect(promote.status).toBeGreaterThanOrEqual(400)
    expect(remove.status).toBeGreaterThanOrEqual(400)
    const other = await payload.findByID({ collection: 'users', id: otherId })
    expect(other.role).toBe('supervisor')
  })
})

describe('an admin', () => {
  it('cannot write projected records either: only the worker does', async () => {
    const res = await call(`/api/conversations/${conversationId}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'declined' }),
    })
    expect(res.status).toBe(403)
  })

  it('changes roles, but never demotes the last admin', async () => {
    const promote = await call(`/api/users/${otherId}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ role: 'admin' }),
    })
    expect(promote.status).toBe(200)
    expect((await payload.findByID({ collection: 'users', id: otherId })).role).toBe('admin')

    const demoteOther = await call(`/api/users/${otherId}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ role: 'supervisor' }),
    })
    expect(demoteOther.status).toBe(200)

    const me = await (await call('/api/users/me', admin)).json()
    const demoteSelf = await call(`/api/users/${me.user.id}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ role: 'supervisor' }),
    })
    expect(demoteSelf.status).toBe(400)
    expect((await demoteSelf.json()).errors[0].message).toMatch(/last admin/)
  })
})

describe('an anonymous request', () => {
  it('reads nothing', async () => {
    for (const slug of ['conversations', 'customers', 'applications', 'utterances', 'users', 'media']) {
      const res = await call(`/api/${slug}`)
      expect(res.status, slug).toBe(403)
    }
    const one = await call(`/api/conversations/${conversationId}`)
    expect(one.status).toBe(403)
  })
})
