import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

import { expect, test } from './fixtures'
import { ADMIN, login, loginThroughForm, logout, submitForm } from './helpers'

test.describe.configure({ mode: 'serial' })

const FORGETFUL = { email: 'fay@example.com', password: 'first-pass-123', firstName: 'Fay', lastName: 'Forgetful' }

// The SMTP server the app sends its mail to (playwright.config.ts gives the app its port).
const received: ParsedMail[] = []
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, _session, done) {
    simpleParser(stream)
      .then((mail) => received.push(mail))
      .then(() => done(), done)
  },
})

test.beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(Number(process.env.E2E_SMTP_PORT), '127.0.0.1', resolve))
})
test.afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
})

test('a supervisor who forgot their password resets it from the emailed link', async ({ page }) => {
  // Given a supervisor account
  // (through the admin page: its scripts are then cached, and the login page hydrates sooner)
  await login(page, ADMIN)
  const created = await page.request.post('/api/users', { data: { ...FORGETFUL, role: 'supervisor' } })
  expect(created.ok()).toBe(true)
  await logout(page)

  // When they ask for a reset on the login page
  await page.goto('/admin/login')
  await page.getByRole('link', { name: /forgot/i }).click()
  await expect(page).toHaveURL(/\/admin\/forgot/)
  await submitForm(page, {
    url: '/admin/forgot',
    fields: { '#field-email': FORGETFUL.email },
    endpoint: '/api/users/forgot-password',
  })
  await expect(page.getByText(/email sent/i)).toBeVisible()

  // Then an email reaches them with a link to choose a new password
  await expect
    .poll(() => received.filter((mail) => mail.to && JSON.stringify(mail.to).includes(FORGETFUL.email)).length, {
      timeout: 20_000,
    })
    .toBe(1)
  const mail = received.find((each) => JSON.stringify(each.to).includes(FORGETFUL.email))!
  expect(mail.from?.text).toContain('Billie supervisor dashboard')
  const link = /https?:\/\/[^"'\s<>]+\/admin\/reset\/[A-Za-z0-9]+/.exec(String(mail.html || mail.text))?.[0]
  expect(link, `a reset link in the email: ${String(mail.html || mail.text)}`).toBeTruthy()

  // And following it, they set a new password and are signed in with it
  await submitForm(page, {
    url: link!,
    fields: { '#field-password': 'second-pass-456', '#field-confirm-password': 'second-pass-456' },
    endpoint: '/api/users/reset-password',
  })
  await expect(page).not.toHaveURL(/\/admin\/reset\//)
  await logout(page)
  await loginThroughForm(page, { email: FORGETFUL.email, password: 'second-pass-456' })
  const me = (await (await page.request.get('/api/users/me')).json()) as { user: { email: string } }
  expect(me.user.email).toBe(FORGETFUL.email)
})
