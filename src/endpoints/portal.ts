/**
 * The customer portal API, as Payload endpoints (Payload's catch-all owns /api):
 *
 *   GET /api/customer/:customerId/applications                     newest activity first, by cursor
 *   GET /api/customer/:customerId/application/:applicationNumber
 *   GET /api/customer/:customerId/conversations                    newest activity first, by cursor
 *   GET /api/customer/openapi.json                                  the OpenAPI 3.1 document
 *
 * Each request: the client's rate limit and who is asking (a customer's bearer JWT, or a staff
 * session), then that a customer asks about themselves, then the customer's rate limit and the
 * stream position, then the read; every answer says the position it reflects (read before the
 * records, so the records reflect at least that). Errors are JSON `{ message }`.
 */
import type { Redis } from 'ioredis'
import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'
import { z } from 'zod'

import { appRedis } from '@/lib/redis'
import { PROJECTIONS } from '@/projections'
import { callerOf, mayRead, PortalError } from '@/portal/auth'
import { clientAddressOf } from '@/portal/clientAddress'
import { openApiDocument } from '@/portal/openapi'
import { applicationFor, listFor } from '@/portal/queries'
import { consume, rateLimitHeaders } from '@/portal/rateLimits'
import { ApplicationNumberParam, CustomerIdParam, DetailQuery, ListQuery } from '@/portal/schemas'
import { type PortalSettings, portalSettings } from '@/portal/settings'
import { countPortalRequest } from '@/ops/appMetrics'
import { chatLedgerStream } from '@/lib/stream'
import { groupProgress, hasProjected } from '@/lib/checkpoint'

const REDIS_WAIT_MS = 500
const AFTER_POLL_MS = 20
/**
 * How long one position lookup serves every request of this process. A position read earlier is
 * still a true lower bound of what the records reflect, and under load this turns two Redis calls
 * per request (XINFO GROUPS, XPENDING) into a few per second.
 */
const POSITION_SHARED_MS = 100

/** A Redis read that gives up after a moment: an outage must not hold a customer's answer. */
const soon = <T>(call: Promise<T>): Promise<T | undefined> =>
  Promise.race([call, new Promise<undefined>((resolve) => setTimeout(resolve, REDIS_WAIT_MS))]).catch(() => undefined)

let sharedPosition: { stream: string; at: number; lookup: Promise<string | null> } | undefined

/** The portal group's position, looked up at most once per POSITION_SHARED_MS by this process. */
function currentPosition(redis: Redis, stream: string, group: string): Promise<string | null> {
  const now = Date.now()
  if (sharedPosition?.stream === stream && now - sharedPosition.at < POSITION_SHARED_MS) return sharedPosition.lookup
  const lookup = soon(groupProgress(redis, stream, group)).then((progress) => progress?.position ?? null)
  sharedPosition = { stream, at: now, lookup }
  return lookup
}

/**
 * The stream position the portal projection has reached, after waiting (up to the configured
 * bound) for `after` to be projected when it is given. `position` is null when Redis cannot say.
 */
async function consistency(redis: Redis, settings: PortalSettings, after?: string) {
  const stream = chatLedgerStream()
  const { group } = PROJECTIONS.portal
  if (!after) return { position: await currentPosition(redis, stream, group), behind: false }
  let behind = false
  const deadline = Date.now() + settings.afterTimeoutMs
  for (;;) {
    if (await soon(hasProjected(redis, stream, group, after))) break
    if (Date.now() >= deadline) {
      behind = true
      break
    }
    await new Promise((resolve) => setTimeout(resolve, AFTER_POLL_MS))
  }
  const progress = await soon(groupProgress(redis, stream, group))
  return { position: progress?.position ?? null, behind }
}

const describeZod = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || 'parameter'}: ${issue.message}`).join('; ')

type Read = (args: { req: PayloadRequest; customerId: string; settings: PortalSettings }) => Promise<object>

function portalHandler(read: Read): PayloadHandler {
  return async (req) => {
    const settings = portalSettings()
    const redis = appRedis(req.payload.logger)
    let headers: Record<string, string> = {}
    try {
      const byClient = await consume(redis, settings, 'client', clientAddressOf(req, settings.trustedProxyHops))
      headers = rateLimitHeaders(byClient)
      const customerId = CustomerIdParam.parse(req.routeParams?.customerId)
      const caller = await callerOf(req, settings)
      mayRead(caller, customerId)
      const asking = caller.kind === 'customer' ? caller.customerId : `staff:${caller.userId}`
      headers = rateLimitHeaders(byClient, await consume(redis, settings, 'customer', asking))
      const body = await read({ req, customerId, settings })
      countPortalRequest(200)
      return Response.json(body, { headers: { ...headers, 'cache-control': 'no-store' } })
    } catch (error) {
      if (error instanceof z.ZodError) error = new PortalError(400, describeZod(error))
      if (!(error instanceof PortalError)) {
        req.payload.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'portal API failed')
        error = new PortalError(503, 'The portal API could not answer just now: try again shortly.')
      }
      const refused = error as PortalError
      countPortalRequest(refused.status)
      return Response.json(
        { message: refused.message },
        { status: refused.status, headers: { ...headers, ...refused.headers, 'cache-control': 'no-store' } },
      )
    }
  }
}

const queryOf = (req: PayloadRequest) => Object.fromEntries(req.searchParams.entries())

const listApplications = portalHandler(async ({ req, customerId, settings }) => {
  const query = ListQuery.parse(queryOf(req))
  const state = await consistency(appRedis(req.payload.logger), settings, query.after)
  const limit = Math.min(query.limit ?? settings.pageSize, settings.maxPageSize)
  const { records, nextCursor } = await listFor(req.payload, 'applications', customerId, {
    limit,
    cursor: query.cursor,
  })
  return { applications: records, nextCursor, ...state }
})

const getApplication = portalHandler(async ({ req, customerId, settings }) => {
  const query = DetailQuery.parse(queryOf(req))
  const applicationNumber = ApplicationNumberParam.parse(req.routeParams?.applicationNumber)
  const state = await consistency(appRedis(req.payload.logger), settings, query.after)
  return { application: await applicationFor(req.payload, customerId, applicationNumber), ...state }
})

const listConversations = portalHandler(async ({ req, customerId, settings }) => {
  const query = ListQuery.parse(queryOf(req))
  const state = await consistency(appRedis(req.payload.logger), settings, query.after)
  const limit = Math.min(query.limit ?? settings.pageSize, settings.maxPageSize)
  const { records, nextCursor } = await listFor(req.payload, 'conversations', customerId, {
    limit,
    cursor: query.cursor,
  })
  return { conversations: records, nextCursor, ...state }
})

export const portalEndpoints: Endpoint[] = [
  // Before the parameterised paths: `openapi.json` is not a customer id.
  {
    path: '/customer/openapi.json',
    method: 'get',
    handler: (req) => Response.json(openApiDocument(req.payload.config.serverURL || '/')),
  },
  { path: '/customer/:customerId/applications', method: 'get', handler: listApplications },
  { path: '/customer/:customerId/application/:applicationNumber', method: 'get', handler: getApplication },
  { path: '/customer/:customerId/conversations', method: 'get', handler: listConversations },
]
