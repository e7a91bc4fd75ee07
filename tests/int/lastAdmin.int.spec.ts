/*
 * The last admin stays, whatever the request: one user at a time, a bulk request over REST, or
 * two admins demoting each other at the same moment.
 */
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import config from '@/payload.config'

import { type ApiServer, registerFirstUser, serveApi } from '../helpers/serveApi'

let payload: Payload
let server: ApiServer
let ada: string
let adaId: number | string
let bobId: number | string

const call = (path: string, auth: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: auth, ...init.headers },
  })

const roles = async () =>
  Object.fromEntries(
    (await payload.find({ collection: 'users', depth: 0, sort: 'email' })).docs.map((user) => [user.email, user.role]),
  )

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
  server = await serveApi(config)
  // Given Ada (the first user, so an admin) and a supervisor
  ada = await registerFirstUser(server.url, {
    email: 'ada@example.com',
    password: 'ada-pass-1',
    firstName: 'Ada',
    lastName: 'A',
  })
  for (const [email, role] of [
    ['bob@example.com', 'admin'],
    ['sue@example.com', 'supervisor'],
  ]) {
    const res = await call('/api/users', ada, {
      method: 'POST',
      body: JSON.stringify({ email, password: 'user-pass-1', firstName: 'U', lastName: 'U', role }),
    })
    expect(res.status).toBe(201)
  }
  const users = (await payload.find({ collection: 'users', depth: 0 })).docs
  adaId = users.find((user) => user.email === 'ada@example.com')!.id
  bobId = users.find((user) => user.email === 'bob@example.com')!.id
})

// and both are admins again before each test
beforeEach(async () => {
  for (const id of [adaId, bobId]) await payload.update({ collection: 'users', id, data: { role: 'admin' } })
})

afterAll(async () => {
  await server?.close()
  await payload?.destroy()
})

const everyAdminKept = {
  'ada@example.com': 'admin',
  'bob@example.com': 'admin',
  'sue@example.com': 'supervisor',
}

describe('a bulk request', () => {
  it('cannot demote admins: PATCH /api/users?where[role][equals]=admin is refused and changes nobody', async () => {
    const res = await call('/api/users?where[role][equals]=admin', ada, {
      method: 'PATCH',
      body: JSON.stringify({ role: 'supervisor' }),
    })

    expect(res.status).toBe(400)
    expect((await res.json()).errors[0].message).toMatch(/one at a time/)
    expect(await roles()).toEqual(everyAdminKept)
  })

  it('cannot delete admins: DELETE /api/users?where[role][equals]=admin is refused and deletes nobody', async () => {
    const res = await call('/api/users?where[role][equals]=admin', ada, { method: 'DELETE' })

    expect(res.status).toBe(400)
    expect((await res.json()).errors[0].message).toMatch(/one at a time/)
    expect(await roles()).toEqual(everyAdminKept)
  })

  it('still changes users that are not admins', async () => {
    const res = await call('/api/users?where[email][equals]=sue@example.com', ada, {
      method: 'PATCH',
      body: JSON.stringify({ firstName: 'Susan' }),
    })

    expect(res.status).toBe(200)
    const sue = await payload.find({ collection: 'users', where: { email: { equals: 'sue@example.com' } } })
    expect(sue.docs[0]?.firstName).toBe('Susan')
  })
})

describe('two admins demoting each other at the same moment', () => {
  it('leave one admin: one demotion wins, the other is refused as the last admin', async () => {
    // Given both admins, each acting for themselves through the operation REST calls (started in
    // the same tick, so that both checks would run before either write if nothing serialised them)
    const users = (await payload.find({ collection: 'users', depth: 0 })).docs
    const as = (id: number | string) => ({ ...users.find((user) => user.id === id)!, collection: 'users' as const })
    const demote = (by: number | string, id: number | string) =>
      payload.update({ collection: 'users', id, data: { role: 'supervisor' }, user: as(by), overrideAccess: false })

    // When Ada demotes Bob while Bob demotes Ada
    const answers = await Promise.allSettled([demote(adaId, bobId), demote(bobId, adaId)])

    // Then exactly one of them is still an admin, and the other demotion says why it failed
    const { 'ada@example.com': adaRole, 'bob@example.com': bobRole } = await roles()
    expect([adaRole, bobRole].filter((role) => role === 'admin')).toHaveLength(1)
    expect(answers.map((answer) => answer.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = answers.find((answer) => answer.status === 'rejected')!
    expect(String(refused.reason)).toMatch(/last admin/)
  })

  it('leave one admin when they delete each other', async () => {
    const users = (await payload.find({ collection: 'users', depth: 0 })).docs
    const as = (id: number | string) => ({ ...users.find((user) => user.id === id)!, collection: 'users' as const })
    const remove = (by: number | string, id: number | string) =>
      payload.delete({ collection: 'users', id, user: as(by), overrideAccess: false })

    const answers = await Promise.allSettled([remove(adaId, bobId), remove(bobId, adaId)])

    const admins = await payload.find({ collection: 'users', where: { role: { equals: 'admin' } } })
    expect(admins.totalDocs).toBe(1)
    expect(answers.map((answer) => answer.status).sort()).toEqual(['fulfilled', 'rejected'])
  })
})
