/**
 * What this app process counts itself, for /api/metrics (Prometheus, prom-client): the portal
 * API's requests by status, and its SSE clients. Workers report to Redis instead (src/worker/metrics.ts), so the
 * metrics endpoint can show the whole deployment.
 */
import { Counter, Gauge, Registry } from 'prom-client'

import { openSseStreams } from '@/realtime/sseStream'

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
  new Gauge({
    name: 'billie_sse_clients',
    help: 'Live board clients connected to this process (GET /api/realtime).',
    registers: [registry],
    collect() {
      this.set(openSseStreams())
    },
  })
  return (global[KEY] = { registry, portalRequests })
}

export const appRegistry = (): Registry => shared().registry

export const countPortalRequest = (status: number): void => shared().portalRequests.inc({ status: String(status) })
