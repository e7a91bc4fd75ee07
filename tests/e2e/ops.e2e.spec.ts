import { expect, type Locator, type Page, test } from './fixtures'

import { ADMIN, appendConversations, appendEntries, login, screenshot, signIn, SUPERVISOR } from './helpers'

test.describe.configure({ mode: 'serial' })

// Seeds in use here: 6101, 6102.

/** The first number in a locator's text (a figure such as "12.5 events/s" or "340 projected"). */
const figureOf = async (locator: Locator): Promise<number> => {
  const match = /-?[\d.]+/.exec((await locator.textContent()) ?? '')
  return match ? Number(match[0]) : Number.NaN
}

const dashboardSection = (page: Page) => page.locator('section.billie-ops__projection[data-projection="dashboard"]')
const figureCell = (section: Locator, row: string, cell: number) =>
  section
    .getByRole('row', { name: new RegExp(`^${row}`) })
    .locator('td')
    .nth(cell)

test('an admin watches the figures move as events arrive', async ({ page }) => {
  // Given an admin on the Operations view, reached from the nav
  await signIn(page, ADMIN)
  await page.goto('/admin/operations')
  await expect(page.getByRole('heading', { name: 'Operations', level: 1 })).toBeVisible()
  await expect(page.locator('#nav-operations')).toHaveAttribute('href', '/admin/operations')
  const dashboard = dashboardSection(page)
  await expect(dashboard.getByTestId('lag-entries-dashboard')).toHaveText(/^\d+ entries$/)
  const projected = figureCell(dashboard, 'Throughput', 1)
  await expect(projected).toHaveText(/^\d+ projected$/)
  const before = await figureOf(projected)

  // When many events are added to the stream
  const corpus = await appendConversations(20, 6101)

  // Then the projected total grows by all of them, without a reload
  await expect.poll(() => figureOf(projected), { timeout: 60_000 }).toBeGreaterThanOrEqual(before + corpus.length)
  // and the throughput figure (per monitor tick) shows the burst
  await expect.poll(() => figureOf(figureCell(dashboard, 'Throughput', 0)), { timeout: 60_000 }).toBeGreaterThan(0)
  await expect(dashboard.getByRole('img', { name: 'events per second, last hour' })).toBeVisible()
  // and the lag comes back to nothing: the projection has caught up
  await expect(dashboard.getByTestId('lag-entries-dashboard')).toHaveText('0 entries', { timeout: 60_000 })
  await expect(dashboard.locator('.billie-ops__state').first()).toHaveText('caught up')
  await screenshot(page, '40-operations')
})

test('an admin retries one group of dead letters and discards another, and sees the alert', async ({ page }) => {
  // Given broken entries in the stream: three with bad JSON in `dat`, two whose seq is not a number
  const { generateCorpus } = await import('../../src/events/generate')
  const lines = generateCorpus({ conversations: 1, seed: 6102 }).filter((fields) => fields.typ === 'user_input')
  const badJson = lines.slice(0, 3).map((line) => ({ ...line, dat: '{"utterance": "I earn $5,000' }))
  const badSeq = lines.slice(3, 5).map((line) => ({ ...line, seq: 'abc', dat: JSON.stringify({ u: 'Hi' }) }))
  await signIn(page, ADMIN)
  await page.goto('/admin/operations')
  await expect(dashboardSection(page)).toBeVisible()
  await appendEntries([...badJson, ...badSeq])

  // Then an alert banner says the dead letters are growing (the monitor notices on its next tick)
  const banner = page.locator('.billie-alert-banner')
  await expect(banner).toContainText(/alerts? firing/, { timeout: 60_000 })
  await expect(banner).toContainText('dead letters growing')
  await expect(banner.getByRole('link', { name: 'Operations' })).toHaveAttribute('href', '/admin/operations')
  await screenshot(page, '41-operations-alert')

  // When the admin opens the dead letters from the Operations view
  await page.getByRole('link', { name: /^Dead letters \(\d+\)$/ }).click()
  await expect(page).toHaveURL(/\/admin\/operations\/dead-letters$/)
  await expect(page.getByRole('heading', { name: 'Dead letters', level: 1 })).toBeVisible()
  const groups = page.locator('table.billie-ops__groups tbody tr')
  const jsonGroup = groups.filter({ hasText: 'dashboard' }).filter({ hasText: /json/i })
  const seqGroup = groups.filter({ hasText: 'dashboard' }).filter({ hasText: /seq/ })
  await expect(jsonGroup).toHaveCount(1)
  await expect(seqGroup).toHaveCount(1)
  await expect(jsonGroup.locator('td').nth(3)).toHaveText('3')
  await expect(seqGroup.locator('td').nth(3)).toHaveText('2')

  // and looks at one letter of the bad-JSON group: the raw `dat` is shown as it came
  await jsonGroup.locator('button.billie-ops__link').click()
  await expect(page.getByRole('heading', { name: /^3 dead letters:/ })).toBeVisible()
  await page.locator('table.billie-ops__letters tbody tr button').first().click()
  const detail = page.getByTestId('dead-letter-detail')
  await expect(detail).toContainText('dat (not valid JSON)')
  await expect(detail.locator('pre')).toHaveText('{"utterance": "I earn $5,000')
  await screenshot(page, '42-dead-letters')

  // When the admin retries the whole bad-JSON group, confirming the count
  let asked = ''
  page.once('dialog', async (dialog) => {
    asked = dialog.message()
    await dialog.accept()
  })
  await jsonGroup.getByRole('button', { name: 'Retry all 3' }).click()
  // Then the confirmation named the count, and the outcome says how many went through (none can: still broken)
  const status = page.locator('.billie-ops__message[role="status"]')
  await expect(status).toHaveText('Retried 0 of 3; 3 failed again (still dead letters)')
  expect(asked).toBe('Retry 3 dead letters of this group?')
  await expect(jsonGroup.locator('td').nth(3)).toHaveText('3')

  // When the admin discards the seq group, giving a reason
  page.once('dialog', async (dialog) => {
    asked = dialog.message()
    await dialog.accept('producer bug, fixed upstream')
  })
  await seqGroup.getByRole('button', { name: 'Discard all' }).click()
  // Then the prompt named the count, the outcome says both went, and the group is gone
  await expect(status).toHaveText('Discarded 2 of 2')
  expect(asked).toBe('Discard 2 dead letters of this group? Why:')
  await expect(seqGroup).toHaveCount(0)
  await expect(jsonGroup).toHaveCount(1)
  await screenshot(page, '43-dead-letters-after')
})

test('operations are for admins only', async ({ page }) => {
  // Given a supervisor
  await login(page, SUPERVISOR)
  // Then there is no Operations link and no alert banner
  await expect(page.locator('#nav-live-conversations')).toBeVisible()
  await expect(page.locator('#nav-operations')).toHaveCount(0)
  await expect(page.locator('.billie-alert-banner')).toHaveCount(0)
  // and both views are refused
  for (const view of ['/admin/operations', '/admin/operations/dead-letters']) {
    await page.goto(view)
    await expect(page).toHaveURL(/\/admin\/unauthorized/)
    await expect(page.locator('.billie-ops')).toHaveCount(0)
  }
  // and so is the API
  for (const path of ['/api/ops/status', '/api/ops/alerts', '/api/ops/dead-letters/groups']) {
    expect((await page.request.get(path)).status(), path).toBe(403)
  }
  const retry = await page.request.post('/api/ops/dead-letters/retry', {
    data: { projection: 'dashboard', ids: ['1'] },
  })
  expect(retry.status()).toBe(403)
})
