import { expect, test } from './fixtures'

import { appendConversations, screenshot, signIn, SUPERVISOR } from './helpers'

test.describe.configure({ mode: 'serial' })

test('a supervisor sees conversations the worker projected, read-only', async ({ page }) => {
  // Given the chat app has written a conversation to the stream
  const corpus = await appendConversations(1, 2024)
  const started = corpus.find((fields) => fields.typ === 'conversation_started')!

  // When the supervisor logs in
  await signIn(page, SUPERVISOR)
  const me = await (await page.request.get('/api/users/me')).json()
  expect(me.user.role).toBe('supervisor')

  // Then the worker inside the app has projected it, and it is listed
  await expect
    .poll(
      async () =>
        (await (await page.request.get(`/api/conversations?where[conversationId][equals]=${started.cid}`)).json())
          .totalDocs,
      {
        timeout: 30_000,
      },
    )
    .toBe(1)
  // (filtered to it: earlier specs leave many conversations, newer ones among them)
  await page.goto(`/admin/collections/conversations?where[conversationId][equals]=${started.cid}`)
  const row = page.locator('tr', { hasText: started.aid! }).first()
  await expect(row).toBeVisible()
  await screenshot(page, '05-supervisor-conversations')

  // and its document opens read-only: no save, no create, inputs disabled
  await row.locator('a').first().click()
  await expect(page.locator('#field-conversationId')).toBeVisible()
  await expect(page.locator('#field-conversationId')).toBeDisabled()
  await expect(page.locator('#action-save')).toHaveCount(0)
  await screenshot(page, '06-supervisor-conversation-readonly')

  // and the supervisor cannot reach user management beyond their own account
  const users = await (await page.request.get('/api/users')).json()
  expect(users.docs.map((user: { email: string }) => user.email)).toEqual([SUPERVISOR.email])
})
