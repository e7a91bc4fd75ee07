import { expect, type Page } from '@playwright/test'
import fs from 'node:fs'
import path from 'node:path'

export const ADMIN = { email: 'ada@example.com', password: 'admin-pass-123', firstName: 'Ada', lastName: 'Admin' }
export const SUPERVISOR = {
  email: 'sam@example.com',
  password: 'super-pass-123',
  firstName: 'Sam',
  lastName: 'Supervisor',
}

const SHOTS = path.resolve('tests/e2e/screenshots')

/** Key pages are kept as artifacts (git-ignored) for a person to look at. */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}

/**
 * Signs in through Payload's login endpoint: the page's context keeps the session cookie, and the
 * test opens the page it is about (a page that needs a session sends anyone without one to the
 * login). The form itself is tested once (loginThroughForm); a page load saved per test adds up.
 */
export async function signIn(page: Page, user: { email: string; password: string }) {
  const response = await page.request.post('/api/users/login', { data: { email: user.email, password: user.password } })
  expect(response.ok(), `login of ${user.email}: ${response.status()}`).toBe(true)
}

/** Signs in (signIn) and opens the admin, where a login lands. */
export async function login(page: Page, user: { email: string; password: string }) {
  await signIn(page, user)
  await page.goto('/admin')
  await expect(page).not.toHaveURL(/\/admin\/login/)
}

/**
 * Fills a Payload form as a person does and submits it, until the request it sends succeeds.
 * Text filled in before the page has hydrated is not in the form's state: a click then submits
 * nothing, or the empty value (the forgot-password view answers "Email Sent" even to that 400).
 * Each attempt opens the page afresh (its scripts are cached by then), so a stale form is never
 * submitted twice.
 */
export async function submitForm(
  page: Page,
  { url, fields, endpoint }: { url: string; fields: Record<string, string>; endpoint: string },
) {
  await expect(async () => {
    await page.goto(url)
    for (const [selector, value] of Object.entries(fields)) await page.locator(selector).fill(value)
    const [response] = await Promise.all([
      page.waitForResponse((each) => new URL(each.url()).pathname === endpoint, { timeout: 10_000 }),
      page.locator('button[type="submit"]').click(),
    ])
    expect(response.ok(), `${endpoint}: ${response.status()} ${await response.text()}`).toBe(true)
  }).toPass({ timeout: 60_000 })
}

/** Signs in as a person does: the login form. */
export async function loginThroughForm(page: Page, user: { email: string; password: string }) {
  await submitForm(page, {
    url: '/admin/login',
    fields: { '#field-email': user.email, '#field-password': user.password },
    endpoint: '/api/users/login',
  })
  await expect(page).not.toHaveURL(/\/admin\/login/)
}

export async function logout(page: Page) {
  await page.goto('/admin/logout')
  await expect(page).toHaveURL(/\/admin\/login/)
}

/** Appends generated conversations to the e2e server's private Redis, as the chat app would. */
export async function appendConversations(conversations: number, seed: number): Promise<Array<Record<string, string>>> {
  const [{ Redis }, { generateCorpus }] = await Promise.all([import('ioredis'), import('../../src/events/generate')])
  const redis = new Redis(Number(process.env.E2E_REDIS_PORT), '127.0.0.1')
  try {
    const corpus = generateCorpus({ conversations, seed, startAt: new Date().toISOString() })
    for (const fields of corpus) await redis.xadd('chatLedger', '*', ...Object.entries(fields).flat())
    return corpus
  } finally {
    redis.disconnect()
  }
}

type StreamFields = Record<string, string>

/** Appends only the conversation_started event of one generated conversation: a chat that has just begun. */
export async function appendConversationStart(seed: number, startAt: Date): Promise<StreamFields> {
  const { generateCorpus } = await import('../../src/events/generate')
  const started = generateCorpus({ conversations: 1, seed, startAt: startAt.toISOString() }).find(
    (fields) => fields.typ === 'conversation_started',
  )!
  await appendEntries([started])
  return started
}

/** Appends entries to the e2e server's private Redis as given: hand-made events, or a generated corpus. */
export async function appendEntries(entries: StreamFields[]): Promise<void> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(Number(process.env.E2E_REDIS_PORT), '127.0.0.1')
  try {
    const pipeline = redis.pipeline()
    for (const fields of entries) pipeline.xadd('chatLedger', '*', ...Object.entries(fields).flat())
    await pipeline.exec()
  } finally {
    redis.disconnect()
  }
}

/** Generated conversations whose clocks ran `minutesAgo` (they sort below anything happening now). */
export async function appendPastConversations(
  conversations: number,
  seed: number,
  minutesAgo: number,
): Promise<StreamFields[]> {
  const { generateCorpus } = await import('../../src/events/generate')
  const corpus = generateCorpus({
    conversations,
    seed,
    startAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  })
  await appendEntries(corpus)
  return corpus
}

/** One conversation of `utterances` lines (and everything else a conversation writes). */
export async function appendLongConversation(utterances: number, seed: number): Promise<StreamFields[]> {
  const { generateLongConversation } = await import('../../src/events/generate')
  const entries = generateLongConversation({ utterances, seed })
  await appendEntries(entries)
  return entries
}

/** The conversation ids a corpus starts. */
export const startedConversations = (corpus: StreamFields[]): StreamFields[] =>
  corpus.filter((fields) => fields.typ === 'conversation_started')

/** Waits until the worker inside the app has projected every one of these conversations. */
export async function waitForProjection(page: Page, conversationIds: string[], timeout = 60_000) {
  await expect
    .poll(
      async () => {
        const where = encodeURIComponent(JSON.stringify({ conversationId: { in: conversationIds } }))
        const response = await page.request.get(`/api/conversations?limit=1&depth=0&where=${where}`)
        return response.ok() ? ((await response.json()) as { totalDocs: number }).totalDocs : -1
      },
      { timeout },
    )
    .toBe(conversationIds.length)
}

/** The process id of the job running for a projection, from its lock in the e2e server's Redis. */
export async function jobProcessOf(projection: 'dashboard' | 'portal'): Promise<number> {
  const [{ Redis }, { PROJECTIONS }, { jobKeys }] = await Promise.all([
    import('ioredis'),
    import('../../src/projections'),
    import('../../src/rebuild/control'),
  ])
  const redis = new Redis(Number(process.env.E2E_REDIS_PORT), '127.0.0.1')
  try {
    const holder = await redis.get(jobKeys('chatLedger', PROJECTIONS[projection].group).lock)
    const pid = /:(\d+):[^:()]+\)$/.exec(holder ?? '')?.[1]
    if (!pid) throw new Error(`no job of ${projection} holds its lock: ${holder}`)
    return Number(pid)
  } finally {
    redis.disconnect()
  }
}
