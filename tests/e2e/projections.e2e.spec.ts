import path from 'node:path'

import { expect, test } from './fixtures'

import { openSqlite } from '../helpers/sqlite'
import {
  ADMIN,
  appendConversations,
  jobProcessOf,
  login,
  screenshot,
  signIn,
  startedConversations,
  SUPERVISOR,
  waitForProjection,
} from './helpers'

test.describe.configure({ mode: 'serial' })

// Seeds in use here: 5101.
const databaseUrl = () => `file:${path.resolve('.tmp/e2e', `${process.env.E2E_RUN}.db`)}`

test('an admin verifies, sees the drift, rebuilds, and the board shows the right value without a reload', async ({
  browser,
}) => {
  // Given a projected conversation whose customer name was changed behind the projection's back
  const admin = await browser.newContext()
  const board = await admin.newPage()
  await signIn(board, ADMIN)
  const corpus = await appendConversations(1, 5101)
  const [conversationId] = startedConversations(corpus).map((fields) => fields.cid!)
  await waitForProjection(board, [conversationId!])
  const sqlite = openSqlite(databaseUrl())
  // (the app's workers may be committing a batch: wait for the write lock as they do)
  await sqlite.execute('PRAGMA busy_timeout = 10000')
  // (the conversation is recorded before its customer's snapshot names them: wait for the name)
  const projected = async () =>
    (
      await sqlite.execute(
        `SELECT customer_name, application_number FROM conversations WHERE conversation_id = '${conversationId}'`,
      )
    ).rows[0]!
  await expect.poll(async () => (await projected()).customer_name, { timeout: 30_000 }).not.toBeNull()
  const row = await projected()
  const rightName = String(row.customer_name)
  const applicationNumber = String(row.application_number)
  await sqlite.execute(
    `UPDATE conversations SET customer_name = 'Tampered Name' WHERE conversation_id = '${conversationId}'`,
  )
  sqlite.close()

  // and the board open on it, showing the wrong name
  await board.goto(`/admin?q=${applicationNumber}`)
  const card = board.locator(`.billie-card[data-conversation-id="${conversationId}"]`)
  await expect(card.locator('.billie-card__name')).toHaveText('Tampered Name')

  // When the admin opens Projections (linked in the nav) and verifies the dashboard
  const console = await admin.newPage()
  await console.goto('/admin/projections')
  await expect(console.locator('#nav-projections')).toHaveAttribute('href', '/admin/projections')
  const dashboard = console.getByRole('region', { name: 'dashboard projection' })
  await dashboard.getByRole('button', { name: 'Verify' }).click()
  // Then a confirmation says how much it reads, and nothing is written
  await expect(dashboard.getByRole('dialog')).toContainText(/read [\d,]+ events and compare [\d,]+ stored records/)
  await dashboard.getByRole('button', { name: 'Start verify' }).click()
  // and the report names the drifted record and its field
  await expect(dashboard.getByTestId('job-state')).toHaveText('done', { timeout: 60_000 })
  await expect(dashboard).toContainText('Drift found.')
  await expect(dashboard).toContainText(`conversations ${conversationId} differs in customerName`)
  await screenshot(console, '30-projections-drift')

  // When the admin rebuilds, confirming
  await dashboard.getByRole('button', { name: 'Rebuild' }).click()
  await expect(dashboard.getByRole('dialog')).toContainText('rewritten in one write while the projection stays live')
  await dashboard.getByRole('button', { name: 'Start rebuild' }).click()

  // Then the progress bar reaches 100% and the job is done
  const bar = dashboard.getByRole('progressbar', { name: 'rebuild progress' })
  await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 })
  await expect(dashboard.getByTestId('job-state')).toHaveText('done')
  await screenshot(console, '31-projections-rebuilt')

  // and the board, never reloaded, shows the name the stream says
  await expect(card.locator('.billie-card__name')).toHaveText(rightName)
  await admin.close()
})

test('a rebuild whose process dies mid-way is started again by the app’s workers, and resumes', async ({ page }) => {
  // Given every conversation's message count damaged (so a rebuild writes each one)
  const sqlite = openSqlite(databaseUrl())
  await sqlite.execute('PRAGMA busy_timeout = 10000')
  await sqlite.execute('UPDATE conversations SET message_count = -1')

  // When the admin starts a rebuild and pauses it
  await signIn(page, ADMIN)
  await page.goto('/admin/projections')
  const dashboard = page.getByRole('region', { name: 'dashboard projection' })
  await dashboard.getByRole('button', { name: 'Rebuild' }).click()
  await dashboard.getByRole('button', { name: 'Start rebuild' }).click()
  await dashboard.getByRole('button', { name: 'Pause' }).click()
  await expect(dashboard.getByTestId('job-state')).toHaveText('paused')
  await expect(dashboard).toContainText(/paused for \d+ s/)
  // and its process (not the app's: it runs in a process of its own) is killed
  const pid = await jobProcessOf('dashboard')
  expect(pid).not.toBe(process.pid)
  process.kill(pid, 'SIGKILL')

  // Then the app's workers start it again: the view says it resumed the killed run, and it finishes
  await expect(dashboard.getByTestId('job-resumed')).toContainText(/resumed the rebuild started .* by admin:/, {
    timeout: 60_000,
  })
  await expect(dashboard.getByTestId('job-state')).toHaveText('done', { timeout: 60_000 })
  await screenshot(page, '32-projections-resumed')
  // and every conversation is right again
  const { rows } = await sqlite.execute('SELECT count(*) AS n FROM conversations WHERE message_count = -1')
  expect(Number(rows[0]!.n)).toBe(0)
  sqlite.close()
})

test('projections are for admins only', async ({ page }) => {
  // Given a supervisor
  await login(page, SUPERVISOR)
  // Then there is no Projections link, the view is refused, and so is the API
  await expect(page.locator('#nav-projections')).toHaveCount(0)
  await page.goto('/admin/projections')
  await expect(page.getByRole('button', { name: 'Rebuild' })).toHaveCount(0)
  expect((await page.request.get('/api/projections')).status()).toBe(403)
  expect((await page.request.post('/api/projections/dashboard/rebuild', { data: { confirmed: true } })).status()).toBe(
    403,
  )
})
