/**
 * Playwright's `test`, with the browser's JavaScript coverage of every page recorded when
 * `E2E_COVERAGE_DIR` is set (as `pnpm test` sets it): each test's pages, the default one and those
 * of contexts the test opens itself, are turned into line hits in `src/` through the build's
 * source maps and written there as one JSON file per test (tests/coverage/report.ts adds them up).
 */
import { type Browser, type BrowserContext, type CDPSession, type Page, test as base } from '@playwright/test'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { addScriptHits, hitsToJson, type LineHits } from '../coverage/lineHits'

export { expect, type Locator, type Page } from '@playwright/test'

const dir = process.env.E2E_COVERAGE_DIR
const root = process.cwd()

/** The built file a page's script came from: `/_next/static/…` → `.next/static/…`. */
function builtFile(url: string): string | undefined {
  try {
    const { pathname } = new URL(url)
    return pathname.startsWith('/_next/') ? path.join(root, '.next', decodeURIComponent(pathname.slice(6))) : undefined
  } catch {
    return undefined
  }
}

/**
 * The pages being covered, each with its DevTools session: V8's block coverage with counts, as
 * Playwright's `page.coverage` starts it, without that API's copy of every script's source (about
 * 6 MB a page, which the mapping does not read). The debugger keeps the scripts of pages navigated
 * away from, so that their coverage is still there at the end.
 */
const sessions = new WeakMap<Page, CDPSession>()

async function collect(page: Page, hits: LineHits) {
  const session = sessions.get(page)
  if (page.isClosed() || !session) return
  const { result } = await session.send('Profiler.takePreciseCoverage').catch(() => ({ result: [] }))
  for (const script of result) {
    const file = builtFile(script.url)
    if (file) addScriptHits(hits, file, script.functions, root)
  }
}

const covered = async (page: Page) => {
  const session = await page.context().newCDPSession(page)
  await session.send('Debugger.enable')
  await session.send('Profiler.enable')
  await session.send('Profiler.startPreciseCoverage', { callCount: true, detailed: true })
  sessions.set(page, session)
  return page
}

export const test = base.extend<{ coverage: void }>({
  coverage: [
    async ({ page, browser }, run, testInfo) => {
      if (!dir) return run()
      const pages: Page[] = [await covered(page)]
      const hits: LineHits = new Map()
      // Pages of contexts the test opens itself: covered from their first navigation, and
      // collected before their context closes.
      const newContext = browser.newContext.bind(browser)
      ;(browser as Browser).newContext = async (...args: Parameters<Browser['newContext']>) => {
        const context: BrowserContext = await newContext(...args)
        const newPage = context.newPage.bind(context)
        const close = context.close.bind(context)
        context.newPage = async () => {
          const opened = await covered(await newPage())
          pages.push(opened)
          return opened
        }
        context.close = async (...closeArgs) => {
          for (const opened of context.pages()) await collect(opened, hits)
          return close(...closeArgs)
        }
        return context
      }
      try {
        await run()
      } finally {
        browser.newContext = newContext
        for (const opened of pages) await collect(opened, hits)
        fs.mkdirSync(dir, { recursive: true })
        const name = `${testInfo.titlePath.join(' ').replace(/\W+/g, '-').slice(0, 80)}-${crypto.randomUUID()}.json`
        fs.writeFileSync(path.join(dir, name), JSON.stringify(hitsToJson(hits, root)))
      }
    },
    { auto: true },
  ],
})
