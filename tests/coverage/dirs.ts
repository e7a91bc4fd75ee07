/** Where the end-to-end suite leaves its coverage for tests/coverage/report.ts (relative to the root). */
export const E2E_BROWSER_DIR = '.tmp/coverage/e2e-browser'
export const E2E_SERVER_DIR = '.tmp/coverage/e2e-server'
