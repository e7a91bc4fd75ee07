import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import config from '@/payload.config'

import { type ApiServer, login, serveApi } from '../helpers/serveApi'

/**
 * Saved views are the supervisors' own data: the owner changes and deletes theirs; a view shared
 * with everyone is readable by every supervisor and still changed by its owner only; a private
 * view is nobody else's business; anonymous callers get nothing.
 */
let payload: Payload
let server: ApiServer
let ann: string
let bo: string
let annId: number | string

const api = (auth: string | undefined, path: string, method = 'GET', body?: object) =>
  fetch(`${server.url}/api${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  })
const names = async (auth: string) =>
  ((await (await api(auth, '/saved-views?sort=name')).json()) as { docs: Array<{ name: string }> }).docs.map(
    (doc) => doc.name,
  )

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
  server = await serveApi(config)
  for (const [email, firstName] of [
    ['ann@example.com', 'Ann'],
    ['bo@example.com', 'Bo'],
  ]) {
    const user = await payload.create({
      collection: 'users',
      data: { email: email!, password: 'sup-pass-1', firstName: firstName!, lastName: 'Lee', role: 'supervisor' },
    })
    if (firstName === 'Ann') annId = user.id
  }
  ann = await login(server.url, 'ann@example.com', 'sup-pass-1')
  bo = await login(server.url, 'bo@example.com', 'sup-pass-1')
})

afterAll(async () => {
  await server?.close()
  await payload?.destroy()
})

describe('saved views', () => {
  it('owner edits; others read shared ones only, never edit them; anonymous gets nothing', async () => {
    // Given Ann saves a private view and a shared one (claiming to be someone else changes nothing)
    const create = async (name: string, shared: boolean) => {
      const response = await api(ann, '/saved-views?depth=0', 'POST', {
        name,
        shared,
        owner: 999,
        filters: { q: 'smith', status: 'active', attention: true, review: 'all' },
      })
      expect(response.status).toBe(201)
      return ((await response.json()) as { doc: { id: number; owner: number | string } }).doc
    }
    const mine = await create('Ann: mine', false)
    const team = await create('Ann: team', true)
    expect(String(mine.owner)).toBe(String(annId))

    // Then Ann sees both, Bo only the shared one
    expect(await names(ann)).toEqual(['Ann: mine', 'Ann: team'])
    expect(await names(bo)).toEqual(['Ann: team'])
    expect((await api(bo, `/saved-views/${mine.id}`)).status).toBe(404)
    const read = (await (await api(bo, `/saved-views/${team.id}`)).json()) as { filters: Record<string, unknown> }
    expect(read.filters).toMatchObject({ q: 'smith', status: 'active', attention: true, review: 'all' })

    // Bo can neither change nor delete Ann's shared view, nor take it over
    expect((await api(bo, `/saved-views/${team.id}`, 'PATCH', { name: 'Bo was here' })).status).toBe(403)
    expect((await api(bo, `/saved-views/${team.id}`, 'DELETE')).status).toBe(403)
    expect(await names(ann)).toContain('Ann: team')

    // Ann can rename hers, and the owner never moves
    const renamed = await api(ann, `/saved-views/${team.id}?depth=0`, 'PATCH', {
      name: 'Ann: team (renamed)',
      owner: 1,
    })
    expect(renamed.status).toBe(200)
    expect(String(((await renamed.json()) as { doc: { owner: unknown } }).doc.owner)).toBe(String(annId))

    // Anonymous callers read nothing and write nothing
    expect((await api(undefined, '/saved-views')).status).toBe(403)
    expect((await api(undefined, `/saved-views/${team.id}`)).status).toBe(403)
    expect((await api(undefined, '/saved-views', 'POST', { name: 'x' })).status).toBe(403)

    // And Ann deletes hers
    expect((await api(ann, `/saved-views/${mine.id}`, 'DELETE')).status).toBe(200)
    expect(await names(ann)).toEqual(['Ann: team (renamed)'])
  })
})
