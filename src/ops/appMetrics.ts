/**
 * What this app process counts itself, for /api/metrics (Prometheus, prom-client): the portal
 * API's requests by status. Workers report to Redis instead (src/worker/metrics.ts), so the
 * metrics endpoint can show the whole deployment.
 */
import { Counter, Registry } from 'prom-client'

type Shared = { registry: Registry; portalRequests: Counter<'status'> }

const KEY = Symbol.for('billie.appMetrics')

/** One registry per process, kept on globalThis so Next's module graphs share it. */
function shared(): Shared {
  const global = globalThis as Record<symbol, Shared | undefined>
  if (global[KEY]) return global[KEY]
  const registry = new Registry()
  const portalRequests = new Counter({
    name: 'billie_portal_requests_total',
    help: 'Customer portal API requests answered by this process, by HTTP status (429: rate limited).',
    labelNames: ['status'],
    registers: [registry],
  })
  return (global[KEY] = { registry, portalRequests })
}

export const appRegistry = (): Registry => shared().registry

export const countPortalRequest = (status: number): void => shared().portalRequests.inc({ status: String(status) })
