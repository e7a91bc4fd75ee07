import { expect, test } from './fixtures'

import { ADMIN, screenshot, signIn, SUPERVISOR } from './helpers'

test.describe.configure({ mode: 'serial' })

test('a newcomer creates the first account, which is an admin', async ({ page }) => {
  await page.goto('/admin')
  await expect(page).toHaveURL(/create-first-user/)
  await page.locator('#field-email').fill(ADMIN.email)
  await page.locator('#field-password').fill(ADMIN.password)
  await page.locator('#field-confirm-password').fill(ADMIN.password)
  await page.locator('#field-firstName').fill(ADMIN.firstName)
  await page.locator('#field-lastName').fill(ADMIN.lastName)
  await screenshot(page, '01-create-first-user')
  await page.locator('button[type="submit"]').click()

  await expect(page.getByRole('link', { name: /conversations/i }).first()).toBeVisible()
  const me = await (await page.request.get('/api/users/me')).json()
  expect(me.user.role).toBe('admin')
  await screenshot(page, '02-admin-dashboard')
})

test('the admin opens every collection', async ({ page }) => {
  await signIn(page, ADMIN)
  for (const [slug, heading] of [
    ['conversations', 'Conversations'],
    ['customers', 'Customers'],
    ['applications', 'Applications'],
    ['users', 'Users'],
    ['media', 'Media'],
  ]) {
    await page.goto(`/admin/collections/${slug}`)
    await expect(page.locator('h1', { hasText: heading }).first()).toBeVisible()
    await screenshot(page, `03-list-${slug}`)
  }
})

test('the admin invites a supervisor', async ({ page }) => {
  await signIn(page, ADMIN)
  await page.goto('/admin/collections/users/create')
  await page.locator('#field-email').fill(SUPERVISOR.email)
  await page.locator('#field-password').fill(SUPERVISOR.password)
  await page.locator('#field-confirm-password').fill(SUPERVISOR.password)
  await page.locator('#field-firstName').fill(SUPERVISOR.firstName)
  await page.locator('#field-lastName').fill(SUPERVISOR.lastName)
  await page.locator('#action-save').click()
  await expect(page).toHaveURL(/\/admin\/collections\/users\/\d+/)
  await screenshot(page, '04-supervisor-created')
})
