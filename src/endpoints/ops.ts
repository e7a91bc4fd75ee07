/**
 * Operations endpoints (Payload's catch-all owns /api, so they are endpoints here):
 *
 *   GET /api/health/live    the process answers and its event loop is not stalled (no dependencies)
 *   GET /api/health/ready   database and Redis reachable, else 503
 *   GET /api/health         healthy / degraded (200) / unhealthy (503); details for admins or HEALTH_TOKEN
 *   GET /api/metrics        Prometheus text for the whole deployment; admins or METRICS_TOKEN
 *
 * and the admin-only /api/ops/… endpoints of the operations view and the dead-letter console.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'

import type { Endpoint } from 'payload'

import { hasBearer, isAdminRequest, refuse, refuseUnlessAdmin } from '@/ops/access'
import { firingAlerts, readHistory } from '@/ops/monitor'
import { health, readiness } from '@/ops/health'
import { METRICS_CONTENT_TYPE, metricsText } from '@/ops/metrics'
import { opsRedis, within } from '@/ops/redis'
import { opsSettings } from '@/ops/settings'
import { readSnapshot } from '@/ops/snapshot'

import { deadLetterEndpoints } from './deadLetters'
import { describeError } from '@/lib/failures'

const NO_STORE = { 'cache-control': 'no-store' }

type LoopMonitor = ReturnType<typeof monitorEventLoopDelay>
const loop = ((globalThis as Record<symbol, { monitor?: LoopMonitor }>)[Symbol.for('billie.eventLoop')] ??= {})

/** The event loop's delay since the last probe (ms): a stalled loop answers late or not at all. */
function eventLoopDelayMs(): { max: number; mean: number } {
  if (!loop.monitor) {
    loop.monitor = monitorEventLoopDelay({ resolution: 20 })
    loop.monitor.enable()
  }
  const figures = { max: loop.monitor.max / 1e6, mean: loop.monitor.mean / 1e6 }
  loop.monitor.reset()
  return { max: Math.round(figures.max) || 0, mean: Math.round(figures.mean) || 0 }
}

/** A loop whose mean delay between probes is this long is stalled. */
const STALLED_MS = 5_000

const live: Endpoint = {
  path: '/health/live',
  method: 'get',
  handler: () => {
    const delay = eventLoopDelayMs()
    const stalled = delay.mean > STALLED_MS
    return Response.json(
      { status: stalled ? 'stalled' : 'alive', eventLoopDelayMs: delay },
      { status: stalled ? 503 : 200, headers: NO_STORE },
    )
  },
}

const ready: Endpoint = {
  path: '/health/ready',
  method: 'get',
  handler: async (req) => {
    const report = await readiness(req.payload)
    const detailed = isAdminRequest(req) || hasBearer(req, opsSettings().healthToken)
    return Response.json(detailed ? report : { status: report.status }, {
      status: report.status === 'ready' ? 200 : 503,
      headers: NO_STORE,
    })
  },
}

const healthEndpoint: Endpoint = {
  path: '/health',
  method: 'get',
  handler: async (req) => {
    const settings = opsSettings()
    const report = await health(req.payload, settings)
    const detailed = isAdminRequest(req) || hasBearer(req, settings.healthToken)
    return Response.json(detailed ? report : { status: report.status, checkedAt: report.checkedAt }, {
      status: report.status === 'unhealthy' ? 503 : 200,
      headers: NO_STORE,
    })
  },
}

const metrics: Endpoint = {
  path: '/metrics',
  method: 'get',
  handler: async (req) => {
    const settings = opsSettings()
    const refused = refuseUnlessAdmin(req, settings.metricsToken)
    if (refused) return refused
    const redis = opsRedis(req.payload.logger)
    try {
      const [snapshot, firing] = await within(
        Promise.all([readSnapshot(redis, { staleMs: settings.workerStaleMs }), firingAlerts(redis)]),
        2_000,
        'Redis',
      )
      return new Response(await metricsText(snapshot, firing), {
        headers: { 'content-type': METRICS_CONTENT_TYPE, ...NO_STORE },
      })
    } catch (error) {
      return refuse(503, `metrics unavailable: ${describeError(error)}`)
    }
  },
}

/** `GET /api/ops/status`: what the operations view shows, read fresh (the view polls it). */
const status: Endpoint = {
  path: '/ops/status',
  method: 'get',
  handler: async (req) => {
    const refused = refuseUnlessAdmin(req)
    if (refused) return refused
    const settings = opsSettings()
    const redis = opsRedis(req.payload.logger)
    try {
      const [snapshot, firing] = await within(
        Promise.all([readSnapshot(redis, { staleMs: settings.workerStaleMs }), firingAlerts(redis)]),
        2_000,
        'Redis',
      )
      const history = Object.fromEntries(
        await Promise.all(snapshot.projections.map(async (p) => [p.name, await readHistory(redis, p.name)] as const)),
      )
      return Response.json(
        { snapshot, history, alerts: firing, staleMs: settings.workerStaleMs },
        { headers: NO_STORE },
      )
    } catch (error) {
      return refuse(503, `Redis unavailable: ${describeError(error)}`)
    }
  },
}

/** `GET /api/ops/alerts`: the alerts firing now (the admin banner polls it). */
const alerts: Endpoint = {
  path: '/ops/alerts',
  method: 'get',
  handler: async (req) => {
    const refused = refuseUnlessAdmin(req)
    if (refused) return refused
    try {
      const firing = await within(firingAlerts(opsRedis(req.payload.logger)), 2_000, 'Redis')
      return Response.json({ alerts: firing }, { headers: NO_STORE })
    } catch (error) {
      return refuse(503, `Redis unavailable: ${describeError(error)}`)
    }
  },
}

export const opsEndpoints: Endpoint[] = [live, ready, healthEndpoint, metrics, status, alerts, ...deadLetterEndpoints]
