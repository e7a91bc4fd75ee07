import { defineConfig } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { E2E_BROWSER_DIR, E2E_SERVER_DIR } from './tests/coverage/dirs'

/**
 * End to end against the production build (`pnpm build` first, as `pnpm test:e2e` does):
 * src/scripts/serve.ts --prod starts the app on a free port with a private redis-server and a
 * fresh SQLite file. Ports are chosen once and handed to the test workers through the environment.
 *
 * E2E_COVERAGE=1 (as `pnpm test` sets it, with a build that has browser source maps) records the
 * browser's coverage of every page (tests/e2e/fixtures.ts) and the server's (NODE_V8_COVERAGE,
 * written when it shuts down on SIGTERM) for tests/coverage/report.ts.
 */
const pickPort = () =>
  execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ])
    .toString()
    .trim()

process.env.E2E_APP_PORT ||= pickPort()
process.env.E2E_REDIS_PORT ||= pickPort()
// The app's mail goes to an SMTP server the password-reset test listens with on this port.
process.env.E2E_SMTP_PORT ||= pickPort()
const coverage = process.env.E2E_COVERAGE === '1'
if (!process.env.E2E_RUN && coverage) {
  // Once, in the runner (the workers load this file too, with E2E_RUN set): last run's coverage goes.
  for (const dir of [E2E_BROWSER_DIR, E2E_SERVER_DIR]) fs.rmSync(dir, { recursive: true, force: true })
}
if (coverage) process.env.E2E_COVERAGE_DIR = path.resolve(E2E_BROWSER_DIR)
process.env.E2E_RUN ||= String(Date.now())
const appPort = process.env.E2E_APP_PORT
const appUrl = `http://127.0.0.1:${appPort}`

export default defineConfig({
  testDir: './tests/e2e',
  testMatch: '**/*.e2e.spec.ts',
  forbidOnly: Boolean(process.env.CI),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: appUrl,
    viewport: { width: 1366, height: 900 },
    screenshot: 'only-on-failure',
    // A failed test keeps its trace of actions, network and console. Not the screencast and DOM
    // snapshots: recorded throughout every test, they took half the suite's CPU (Chromium's
    // compositor and encoder); the failure's screenshot shows the page where it failed.
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: false },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: `pnpm exec tsx src/scripts/serve.ts --prod --port ${appPort} --redis-port ${process.env.E2E_REDIS_PORT}`,
    url: `${appUrl}/admin/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    // SIGTERM first, so the server shuts down (and writes its coverage) before anything is killed.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      ...(coverage ? { NODE_V8_COVERAGE: path.resolve(E2E_SERVER_DIR) } : {}),
      DATABASE_URI: `file:${path.resolve('.tmp/e2e', `${process.env.E2E_RUN}.db`)}`,
      MEDIA_DIR: path.resolve('.tmp/e2e/media'),
      REDIS_URL: '',
      SERVER_URL: appUrl,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: process.env.E2E_SMTP_PORT,
      NEXT_TELEMETRY_DISABLED: '1',
      // Jobs whose process died are started again within a second; a rebuild writes 10 records a page.
      JOB_SUPERVISOR_MS: '1000',
      REBUILD_PAGE_SIZE: '10',
    },
  },
})
