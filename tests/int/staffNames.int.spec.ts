/*
 * Who wrote a note, flagged or resolved a review: the name shown is the person's, read from their
 * user record, so a name chosen for a moment cannot pass their work off as someone else's.
 */
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import config from '@/payload.config'

import { type ApiServer, login, registerFirstUser, serveApi } from '../helpers/serveApi'

let payload: Payload
let server: ApiServer
let admin: string
let sue: string
let sueId: number | string

const call = (path: string, auth: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: auth, ...init.headers },
  })
const send = (method: string, path: string, auth: string, body: object) =>
  call(path, auth, { method, body: JSON.stringify(body) })
const renameSue = (firstName: string, lastName: string) =>
  send('PATCH', `/api/users/${sueId}`, sue, { firstName, lastName })

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
  server = await serveApi(config)
  // Given Alice, the admin, and Sue, a supervisor
  admin = await registerFirstUser(server.url, {
    email: 'alice@example.com',
    password: 'alice-pass-1',
    firstName: 'Alice',
    lastName: 'Admin',
  })
  const created = await send('POST', '/api/users', admin, {
    email: 'sue@example.com',
    password: 'sue-pass-1',
    firstName: 'Sue',
    lastName: 'Smith',
  })
  expect(created.status).toBe(201)
  sueId = (await created.json()).doc.id
  sue = await login(server.url, 'sue@example.com', 'sue-pass-1')
})

afterAll(async () => {
  await server?.close()
  await payload?.destroy()
})

describe("a supervisor's own name", () => {
  it("cannot be another user's, however it is spelt", async () => {
    for (const [firstName, lastName] of [
      ['Alice', 'Admin'],
      ['alice ', ' ADMIN'],
      ['Alíce', 'Admin'],
    ]) {
      const res = await renameSue(firstName!, lastName!)
      expect(res.status, `${firstName} ${lastName}`).toBe(400)
      expect((await res.json()).errors[0].message).toMatch(/Alice Admin.*already/)
    }
    expect((await payload.findByID({ collection: 'users', id: sueId })).firstName).toBe('Sue')
  })
})

describe('a note or review written under a name chosen for the moment', () => {
  it('shows the author by their own name once they rename back, everywhere it is read', async () => {
    // Given Sue renamed herself, flagged a conversation, resolved it and wrote a note
    expect((await renameSue('Head of', 'Credit')).status).toBe(200)
    const flagged = await send('POST', '/api/reviews', sue, { conversationId: 'C-names', reason: 'Odd income' })
    expect(flagged.status).toBe(201)
    const review = (await flagged.json()).doc
    expect(review.flaggedByName).toBe('Head of Credit')
    expect((await send('PATCH', `/api/reviews/${review.id}`, sue, { status: 'resolved' })).status).toBe(200)
    const note = (await (await send('POST', '/api/notes', sue, { conversationId: 'C-names', body: 'Done' })).json()).doc

    // When she renames herself back
    expect((await renameSue('Sue', 'Smith')).status).toBe(200)

    // Then the review and the note name her, read one by one, in lists, and through the Local API
    const oneReview = await (await call(`/api/reviews/${review.id}`, admin)).json()
    const reviews = await (await call('/api/reviews?where[conversationId][equals]=C-names&depth=0', admin)).json()
    const oneNote = await (await call(`/api/notes/${note.id}`, admin)).json()
    const notes = await (await call('/api/notes?where[conversationId][equals]=C-names', admin)).json()
    const local = await payload.findByID({ collection: 'reviews', id: review.id })
    for (const shown of [oneReview, reviews.docs[0], local]) {
      expect(shown).toMatchObject({ flaggedByName: 'Sue Smith', resolvedByName: 'Sue Smith' })
    }
    expect([oneNote.authorName, notes.docs[0].authorName]).toEqual(['Sue Smith', 'Sue Smith'])
  })

  it('follows a real change of name, and keeps the name it was written under once the account is gone', async () => {
    // Given a note by a supervisor who later changes her name
    const created = await send('POST', '/api/users', admin, {
      email: 'tess@example.com',
      password: 'tess-pass-1',
      firstName: 'Tess',
      lastName: 'Old',
    })
    const tessId = (await created.json()).doc.id
    const tess = await login(server.url, 'tess@example.com', 'tess-pass-1')
    const note = (await (await send('POST', '/api/notes', tess, { conversationId: 'C-tess', body: 'Hi' })).json()).doc
    expect((await send('PATCH', `/api/users/${tessId}`, tess, { lastName: 'New' })).status).toBe(200)
    expect((await (await call(`/api/notes/${note.id}`, admin)).json()).authorName).toBe('Tess New')

    // When an admin deletes her account
    expect((await call(`/api/users/${tessId}`, admin, { method: 'DELETE' })).status).toBe(200)

    // Then the note still says who wrote it
    expect((await (await call(`/api/notes/${note.id}`, admin)).json()).authorName).toBe('Tess Old')
  })
})
