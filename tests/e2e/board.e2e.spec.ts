import { expect, type Page, test } from './fixtures'

import { ADMIN, appendEntries, screenshot, signIn, SUPERVISOR, waitForProjection } from './helpers'

test.describe.configure({ mode: 'serial' })

/** Hand-made chat events, stamped now: one conversation per test, its ids unique to this run. */
const run = `${Date.now().toString(36)}`
const chat = (name: string) => {
  const cid = `board-${name}-${run}`
  const envelope = { agt: 'broker', cid, aid: `APP-${name}-${run}`, uid: `CUS-${name}-${run}` }
  let seq = 1
  const at = () => new Date().toISOString()
  return {
    cid,
    started: () => ({ ...envelope, typ: 'conversation_started', seq: String(seq++), tsp: at() }),
    billie: (utterance: string) => ({
      ...envelope,
      typ: 'assistant_response',
      seq: String(seq++),
      tsp: at(),
      dat: JSON.stringify({ utterance, rationale: 'asking' }),
    }),
    customer: (utterance: string) => ({
      ...envelope,
      typ: 'user_input',
      seq: String(seq++),
      tsp: at(),
      dat: JSON.stringify({ u: utterance }),
    }),
  }
}

const cardOf = (page: Page, conversationId: string) =>
  page.locator(`.billie-card[data-conversation-id="${conversationId}"]`)
const attentionButton = (page: Page) => page.locator('.billie-attention-filter')
const attentionCount = async (page: Page) => Number(await attentionButton(page).getAttribute('data-count'))

test('a conversation crosses an attention threshold: the count and its card change without a reload', async ({
  page,
}) => {
  // Given a chat where Billie has asked the same question twice (the threshold is three times)
  const c = chat('repeat')
  const question = 'What is your date of birth?'
  await appendEntries([c.started(), c.billie(question), c.customer('why?'), c.billie(question), c.customer('hmm')])
  await signIn(page, SUPERVISOR)
  await waitForProjection(page, [c.cid])
  await page.goto('/admin')
  await expect(cardOf(page, c.cid)).toBeVisible()
  await expect(cardOf(page, c.cid)).not.toHaveAttribute('data-attention', /.+/)
  const before = await attentionCount(page)

  // When Billie asks it a third time
  await appendEntries([c.billie(question)])

  // Then, without a reload, the card says why it needs attention and the count goes up by one
  await expect(cardOf(page, c.cid).locator('.billie-card__attention')).toContainText(
    'Billie asked the same question 3 times',
  )
  await expect(cardOf(page, c.cid)).toHaveAttribute('data-attention', /repeatedQuestion/)
  await expect.poll(() => attentionCount(page)).toBe(before + 1)

  // and the "Needs attention" filter lists it
  await attentionButton(page).click()
  await expect(page).toHaveURL(/attention=1/)
  await expect(cardOf(page, c.cid)).toBeVisible()
  await expect(page.locator('.billie-live__grid .billie-card:not([data-attention])')).toHaveCount(0)
  await screenshot(page, '30-board-needs-attention-1366')
  await page.setViewportSize({ width: 820, height: 1100 })
  await screenshot(page, '31-board-needs-attention-820')
})

test('a second supervisor sees who is viewing a conversation, on its card and in its header', async ({ browser }) => {
  const c = chat('presence')
  await appendEntries([c.started(), c.billie('Hello! How much would you like to borrow?')])
  const sam = await browser.newContext()
  const ada = await browser.newContext()
  try {
    const samPage = await sam.newPage()
    const adaPage = await ada.newPage()
    await signIn(adaPage, ADMIN)
    await waitForProjection(adaPage, [c.cid])
    await adaPage.goto('/admin')
    await expect(cardOf(adaPage, c.cid)).toBeVisible()

    // When Sam opens the conversation
    await signIn(samPage, SUPERVISOR)
    await samPage.goto(`/admin/live/${c.cid}`)

    // Then Ada's board shows him on its card, live
    await expect(cardOf(adaPage, c.cid).locator('.billie-viewers')).toHaveAttribute('data-viewers', /Sam Supervisor/)
    // and when she opens it too, its header says Sam is also viewing (and Sam's says Ada is)
    await adaPage.goto(`/admin/live/${c.cid}`)
    await expect(adaPage.locator('.billie-conversation__heading .billie-viewers')).toHaveAttribute(
      'data-viewers',
      /Sam Supervisor/,
    )
    await expect(samPage.locator('.billie-conversation__heading .billie-viewers')).toHaveAttribute(
      'data-viewers',
      /Ada Admin/,
    )
    await screenshot(adaPage, '32-conversation-presence')

    // When Sam leaves, he is gone from Ada's header
    await samPage.goto('/admin')
    await expect(adaPage.locator('.billie-conversation__heading .billie-viewers')).toHaveCount(0)
  } finally {
    await sam.close()
    await ada.close()
  }
})

test('a saved view opens from its link, for another supervisor when shared', async ({ page, browser }) => {
  await signIn(page, SUPERVISOR)
  await page.goto('/admin?status=active')
  await attentionButton(page).click()
  await expect(page).toHaveURL(/attention=1/)

  // When Sam saves the filters as a shared view
  await page.getByRole('button', { name: 'Save view' }).click()
  await page.getByLabel('View name').fill(`Active needing attention ${run}`)
  await page.getByLabel('Share with everyone').check()
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page).toHaveURL(/view=\w+/)
  const link = page.url()
  await screenshot(page, '33-board-saved-view')

  // Then the link opens the same view for Ada, in a browser of her own
  const ada = await browser.newContext()
  try {
    const adaPage = await ada.newPage()
    await signIn(adaPage, ADMIN)
    await adaPage.goto(link)
    await expect(attentionButton(adaPage)).toHaveAttribute('aria-pressed', 'true')
    await expect(adaPage.getByRole('button', { name: 'Active', exact: true })).toHaveAttribute('aria-pressed', 'true')
    await expect(adaPage.getByLabel('Saved view')).toHaveValue(/\w+/)
    await expect(adaPage.getByLabel('Saved view').locator('option:checked')).toContainText(
      `Active needing attention ${run}`,
    )
  } finally {
    await ada.close()
  }
})

test('keyboard: move through cards, open one, previous/next, back, and ? lists the shortcuts', async ({ page }) => {
  const a = chat('keys-a')
  const b = chat('keys-b')
  await appendEntries([a.started(), a.billie('Hi A'), b.started(), b.billie('Hi B')])
  await signIn(page, SUPERVISOR)
  await waitForProjection(page, [a.cid, b.cid])
  await page.goto('/admin')
  const cards = page.locator('.billie-live__grid .billie-card')
  await expect(cards.nth(1)).toBeVisible()

  await page.keyboard.press('j')
  await expect(cards.nth(0)).toBeFocused()
  await page.keyboard.press('j')
  await expect(cards.nth(1)).toBeFocused()
  await page.keyboard.press('k')
  await expect(cards.nth(0)).toBeFocused()

  // not inside the search box
  await page.keyboard.press('/')
  await expect(page.getByLabel('Search by customer name or application number')).toBeFocused()
  await page.keyboard.type('jk')
  await expect(page.getByLabel('Search by customer name or application number')).toHaveValue('jk')
  await page.getByLabel('Search by customer name or application number').fill('')
  await page.locator('body').click({ position: { x: 5, y: 5 } })

  await page.keyboard.press('?')
  await expect(page.getByRole('dialog', { name: /keyboard shortcuts/ })).toBeVisible()
  await screenshot(page, '34-board-shortcuts')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)

  await page.keyboard.press('j')
  const first = await cards.nth(0).getAttribute('data-conversation-id')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`/admin/live/${first}`))
  await expect(page.locator('.billie-conversation')).toBeVisible()
  await page.keyboard.press('k')
  await expect(page).not.toHaveURL(new RegExp(`/admin/live/${first}$`))
  await page.keyboard.press('u')
  await expect(page).toHaveURL(/\/admin$/)
})

test('pause gathers live updates behind a count and applies them on resume', async ({ page }) => {
  const c = chat('pause')
  await appendEntries([c.started(), c.billie('First line')])
  await signIn(page, SUPERVISOR)
  await waitForProjection(page, [c.cid])
  await page.goto('/admin')
  const card = cardOf(page, c.cid)
  await expect(card).toContainText('First line')

  // When the supervisor pauses (p) and new lines arrive
  await page.keyboard.press('p')
  await expect(page.locator('.billie-live__paused')).toBeVisible()
  await appendEntries([c.customer('Second line'), c.billie('Third line')])

  // Then they wait behind a count, and the card does not change
  await expect
    .poll(async () => Number(await page.locator('.billie-live__paused').getAttribute('data-held')))
    .toBeGreaterThan(1)
  await expect(page.getByRole('button', { name: /Resume · \d+ updates/ })).toBeVisible()
  await expect(card).toContainText('First line')
  await screenshot(page, '35-board-paused')

  // When they resume, everything applies at once
  await page.getByRole('button', { name: /Resume/ }).click()
  await expect(card).toContainText('Third line')
  await expect(card).toContainText('3 messages')
  await expect(page.locator('.billie-live__paused')).toHaveCount(0)
})
