/**
 * Playwright's `test`, with the browser's JavaScript coverage of every page recorded when
 * `E2E_COVERAGE_DIR` is set (as `pnpm test` sets it): each test's pages, the default one and those
 * of contexts the test opens itself, are turned into line hits in `src/` through the build's
 * source maps and written there as one JSON file per test (tests/coverage/report.ts adds them up).
 */
import { type Browser, type BrowserContext, type Page, test as base } from '@playwright/test'
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

async function collect(page: Page, hits: LineHits) {
  if (page.isClosed()) return
  const entries = await page.coverage.stopJSCoverage().catch(() => [])
  for (const entry of entries) {
    const file = builtFile(entry.url)
    if (file) addScriptHits(hits, file, entry.functions, root)
  }
}

const covered = async (page: Page) => {
  await page.coverage.startJSCoverage({ resetOnNavigation: false })
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
