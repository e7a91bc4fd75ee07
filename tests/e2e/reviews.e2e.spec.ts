import fs from 'node:fs'

import { expect, type Page, test } from './fixtures'

import {
  ADMIN,
  appendConversations,
  screenshot,
  signIn,
  startedConversations,
  SUPERVISOR,
  waitForProjection,
} from './helpers'

test.describe.configure({ mode: 'serial' })

// Seeds in use here: 7101, 7102.

const REASON = 'Customer said <b>two</b> different incomes: please check the statement.'
const SUPERVISOR_NOTE = 'I asked the customer for a payslip.'
const ADMIN_NOTE = 'Payslip received, income matches the statement.'
const SUPERVISOR_NAME = `${SUPERVISOR.firstName} ${SUPERVISOR.lastName}`

type ConversationExport = {
  conversation: { conversationId: string; applicationNumber: string }
  transcript: Array<{ text?: string }>
  reviews: Array<{ reason: string; status: string }>
  notes: Array<{ body: string }>
}

const noteBodies = (page: Page) => page.locator('#billie-reviews .billie-note__body')

test('a supervisor flags a conversation; the admin sees it live, they talk in notes, and it exports', async ({
  browser,
}) => {
  // Given a projected conversation
  const corpus = await appendConversations(1, 7101)
  const [started] = startedConversations(corpus)
  const conversationId = started!.cid!
  const supervisor = await browser.newContext()
  const conversation = await supervisor.newPage()
  await signIn(conversation, SUPERVISOR)
  await waitForProjection(conversation, [conversationId])
  const byId = encodeURIComponent(JSON.stringify({ conversationId: { equals: conversationId } }))
  const response = await conversation.request.get(`/api/conversations?depth=0&limit=1&where=${byId}`)
  const { docs } = (await response.json()) as { docs: Array<{ applicationNumber: string }> }
  const applicationNumber = docs[0]!.applicationNumber

  // and the admin, in a second browser, watching the board and the review queue
  const admin = await browser.newContext()
  const board = await admin.newPage()
  await signIn(board, ADMIN)
  await board.goto(`/admin?q=${applicationNumber}`)
  const card = board.locator(`.billie-card[data-conversation-id="${conversationId}"]`)
  await expect(card).toBeVisible()
  await expect(card.locator('.billie-review-badge')).toHaveCount(0)
  const queue = await admin.newPage()
  await queue.goto('/admin/reviews?show=all')
  await expect(queue.getByRole('heading', { name: 'Review queue' })).toBeVisible()
  const queueRow = queue.locator(`tr[data-conversation-id="${conversationId}"]`)
  await expect(queue.getByRole('button', { name: /^All open \d+$/ })).toBeVisible()
  await expect(queueRow).toHaveCount(0)

  // When the supervisor flags it for review with a note on why
  await conversation.goto(`/admin/live/${conversationId}`)
  const panel = conversation.locator('#billie-reviews')
  await expect(panel.getByText('No notes yet.')).toBeVisible()
  await panel.locator('#billie-review-reason').fill(REASON)
  await panel.getByRole('button', { name: 'Flag for review' }).click()

  // Then the panel shows the open review, its reason as text, and who flagged it
  await expect(panel.locator('.billie-review-state--open')).toHaveText('Open')
  await expect(panel.locator('.billie-review__reason')).toHaveText(REASON)
  await expect(panel.locator('.billie-review__who')).toContainText(`Flagged by ${SUPERVISOR_NAME}`)
  await expect(panel.getByRole('combobox', { name: 'Assigned to' })).toHaveValue(/.+/)

  // and the admin's board card and queue show it without a reload
  await expect(card.locator('.billie-review-badge')).toHaveText(`In review · ${SUPERVISOR_NAME}`)
  await expect(queueRow).toHaveCount(1)
  await expect(queueRow.locator('.billie-queue__reason')).toHaveText(REASON)
  await expect(queueRow).toContainText(SUPERVISOR_NAME)
  await screenshot(board, '50-board-in-review')
  await screenshot(queue, '51-review-queue')

  // When the supervisor writes a note, and the admin (on the conversation, from the queue) answers
  await panel.getByRole('textbox', { name: 'New note' }).fill(SUPERVISOR_NOTE)
  await panel.getByRole('button', { name: 'Add note' }).click()
  await expect(noteBodies(conversation)).toHaveText([SUPERVISOR_NOTE])
  await queueRow.getByRole('link', { name: conversationId }).click()
  await expect(queue).toHaveURL(new RegExp(`/admin/live/${conversationId}$`))
  await expect(noteBodies(queue)).toHaveText([SUPERVISOR_NOTE])
  await queue.locator('#billie-reviews').getByRole('textbox', { name: 'New note' }).fill(ADMIN_NOTE)
  await queue.locator('#billie-reviews').getByRole('button', { name: 'Add note' }).click()

  // Then both see the thread in order, the supervisor without a reload
  await expect(noteBodies(queue)).toHaveText([SUPERVISOR_NOTE, ADMIN_NOTE])
  await expect(noteBodies(conversation)).toHaveText([SUPERVISOR_NOTE, ADMIN_NOTE])
  await expect(conversation.locator('#billie-reviews .billie-note__head strong')).toHaveText([
    SUPERVISOR_NAME,
    `${ADMIN.firstName} ${ADMIN.lastName}`,
  ])
  await screenshot(conversation, '52-conversation-review-notes')

  // When the supervisor exports the conversation as JSON
  const [download] = await Promise.all([
    conversation.waitForEvent('download'),
    conversation.getByRole('link', { name: 'Export JSON' }).click(),
  ])
  // Then the file holds the conversation, its review and its notes
  expect(download.suggestedFilename()).toMatch(/^conversation-.+\.json$/)
  const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as ConversationExport
  expect(exported.conversation.conversationId).toBe(conversationId)
  expect(exported.conversation.applicationNumber).toBe(applicationNumber)
  expect(exported.reviews.map((review) => [review.reason, review.status])).toEqual([[REASON, 'open']])
  expect(exported.notes.map((note) => note.body)).toEqual([SUPERVISOR_NOTE, ADMIN_NOTE])
  expect(exported.transcript.length).toBeGreaterThan(0)

  // When the supervisor opens the printable page
  const [printable] = await Promise.all([
    supervisor.waitForEvent('page'),
    conversation.getByRole('link', { name: 'Print' }).click(),
  ])
  // Then it shows the same, the reason as text (no markup run)
  await expect(printable).toHaveTitle(`Conversation ${conversationId}`)
  await expect(
    printable.getByRole('heading', { name: `Transcript (${exported.transcript.length} lines)` }),
  ).toBeVisible()
  await expect(printable.getByText(REASON)).toBeVisible()
  await expect(printable.locator('b')).toHaveCount(0)
  await expect(printable.getByText(SUPERVISOR_NOTE)).toBeVisible()
  await expect(printable.getByText(ADMIN_NOTE)).toBeVisible()
  await screenshot(printable, '53-conversation-printable')

  // and an anonymous caller gets nothing
  const anonymous = await browser.newContext()
  expect((await anonymous.request.get(`/api/export/conversations/${conversationId}`)).status()).toBe(401)
  await Promise.all([anonymous.close(), admin.close(), supervisor.close()])
})

test('the board’s review filter shows the conversations in review, and follows reviews live', async ({ page }) => {
  // Given two projected conversations, neither in review, and the admin's board filtered to reviews
  const corpus = await appendConversations(2, 7102)
  const [flagged, other] = startedConversations(corpus).map((event) => event.cid!)
  await signIn(page, ADMIN)
  await waitForProjection(page, [flagged!, other!])
  await page.goto('/admin')
  // (the board is live, so hydrated: a choice made before would be reset by it)
  await expect(page.locator('.billie-connection')).toHaveAttribute('data-status', 'live')
  await page.getByRole('combobox', { name: 'Review' }).selectOption('all')
  await expect(page).toHaveURL(/[?&]review=all/)
  const cardOf = (conversationId: string) => page.locator(`.billie-card[data-conversation-id="${conversationId}"]`)
  await expect(cardOf(flagged!)).toHaveCount(0)

  // When someone flags one of them for review
  const created = await page.request.post('/api/reviews', {
    data: { conversationId: flagged, reason: 'Check the income' },
  })
  expect(created.status()).toBe(201)

  // Then it joins the filtered board without a reload, and the other stays out
  await expect(cardOf(flagged!)).toBeVisible()
  await expect(cardOf(flagged!).locator('.billie-review-badge')).toBeVisible()
  await expect(cardOf(other!)).toHaveCount(0)

  // and "Unassigned" or "Assigned to me" narrow it as the queue's tabs do
  const { doc } = (await created.json()) as { doc: { id: number; assignee?: unknown } }
  await page.getByRole('combobox', { name: 'Review' }).selectOption(doc.assignee ? 'mine' : 'unassigned')
  await expect(cardOf(flagged!)).toBeVisible()

  // When the review is resolved, it leaves the filtered board; with "Any" both are back
  await page.getByRole('combobox', { name: 'Review' }).selectOption('all')
  const resolved = await page.request.patch(`/api/reviews/${doc.id}`, { data: { status: 'resolved' } })
  expect(resolved.status()).toBe(200)
  await expect(cardOf(flagged!)).toHaveCount(0)
  await page.getByRole('combobox', { name: 'Review' }).selectOption('')
  await expect(cardOf(flagged!)).toBeVisible()
  await expect(cardOf(other!)).toBeVisible()
})

const STARTED_FILL = { light: '#2f6fdf', dark: '#6ea0ff' }

for (const theme of ['light', 'dark'] as const) {
  for (const width of [1366, 820]) {
    test(`the analytics charts render in the ${theme} theme at ${width} px`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme })
      await page.setViewportSize({ width, height: width > 1000 ? 900 : 1180 })
      await signIn(page, SUPERVISOR)
      await page.goto('/admin/analytics')
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
      await expect(page.getByRole('heading', { name: 'Analytics', level: 1 })).toBeVisible()
      await expect(page.getByTestId('started-total')).toHaveText(/^[1-9]\d*$/)
      // Every chart draws an SVG of a real size inside the page's width
      const charts = page.locator('section.billie-analytics__chart')
      await expect(charts).toHaveCount(4)
      for (const chart of await charts.all()) {
        const surface = chart.locator('.recharts-wrapper > svg.recharts-surface')
        await expect(surface).toBeVisible()
        const box = (await surface.boundingBox())!
        expect(box.width).toBeGreaterThan(200)
        expect(box.x + box.width).toBeLessThanOrEqual(width)
      }
      // and the bars are drawn in the theme's colours
      const startedChart = page.getByRole('region', { name: /^Conversations started per/ })
      await expect(startedChart.locator('.recharts-bar-rectangle path').first()).toHaveAttribute(
        'fill',
        STARTED_FILL[theme],
      )
      await screenshot(page, `54-analytics-${theme}-${width}`)
    })
  }
}
