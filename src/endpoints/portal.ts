/**
 * The customer portal API, as Payload endpoints (Payload's catch-all owns /api):
 *
 *   GET /api/customer/:customerId/applications                     newest activity first, by cursor
 *   GET /api/customer/:customerId/application/:applicationNumber
 *   GET /api/customer/:customerId/conversations                    newest activity first, by cursor
 *   GET /api/customer/openapi.json                                  the OpenAPI 3.1 document
 *
 * A request is: who is asking (a customer's bearer JWT, checked once per token and then
 * remembered, or a staff session), one Redis round trip (the client's and the customer's rate
 * limits, and the stream position when this process has none from the last 100 ms), one indexed
 * read of stored answers, and their bytes joined into the reply. Every answer says the stream
 * position it reflects (read before the records, so the records reflect at least that). Errors are
 * JSON `{ message }`, decided in this order: the client's 429, a bad customer id (400), the token
 * (401, 503), another customer's (403), the customer's 429, bad parameters (400), not found (404).
 *
 * Why it is shaped so, from profiles of the production server under portal load and from the
 * steps timed in process: a read through `payload.db.find` costs about 220 µs of CPU for 20
 * applications (a prepared statement 12 µs), a zod parse about 10 µs a record, jose about 66 µs a
 * token, and each Redis command a socket write of its own (a tenth of the server's CPU); together
 * they cost a portal request as much again as Next's and Payload's own floor (/api/health/live).
 * So answers are stored ready-made, tokens remembered, Redis commands pipelined and the settings
 * parsed once. `pnpm bench --only portal` prints what each step takes (Server-Timing).
 */
import type { Redis } from 'ioredis'
import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'
import { z } from 'zod'

import { portalRedis } from '@/lib/redis'
import { PROJECTIONS } from '@/projections'
import { type Caller, callerOf, mayRead, PortalError } from '@/portal/auth'
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
function currentPosition(
  redis: Redis,
  stream: string,
  group: string,
): { lookup: Promise<string | null>; shared: boolean } {
  const now = Date.now()
  if (sharedPosition?.stream === stream && now - sharedPosition.at < POSITION_SHARED_MS) {
    return { lookup: sharedPosition.lookup, shared: true }
  }
  const lookup = soon(groupProgress(redis, stream, group)).then((progress) => progress?.position ?? null)
  sharedPosition = { stream, at: now, lookup }
  return { lookup, shared: false }
}

/**
 * The stream position the portal projection has reached once it has projected `after` (waiting
 * up to the configured bound), and whether it got there. `position` is null when Redis cannot say.
 */
async function positionAfter(redis: Redis, settings: PortalSettings, after: string) {
  const stream = chatLedgerStream()
  const { group } = PROJECTIONS.portal
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

/**
 * What each step of a request took, as a Server-Timing header (PORTAL_SERVER_TIMING): each step
 * from the end of the one before, or, for steps that run side by side, from the same start.
 */
function stopwatch(on: boolean) {
  const entries: string[] = []
  let last = performance.now()
  const entry = (name: string, ms: number, description?: string) =>
    entries.push(`${name};${description ? `desc="${description}";` : ''}dur=${ms.toFixed(3)}`)
  return {
    lap(name: string, description?: string) {
      const now = performance.now()
      if (on) entry(name, now - last, description)
      last = now
    },
    /** `call`, timed from now as `name`, beside whatever else starts now. */
    beside<T>(name: string, call: Promise<T>, description?: string): Promise<T> {
      if (!on) return call
      const started = performance.now()
      return call.finally(() => entry(name, performance.now() - started, description))
    },
    headers: (): Record<string, string> => (on && entries.length ? { 'Server-Timing': entries.join(', ') } : {}),
  }
}

/** How an endpoint answers once the caller may: its query (with `after`), then the reply's JSON text. */
type Answer<Query extends { after?: string }> = {
  query: z.ZodType<Query>
  reply: (args: {
    req: PayloadRequest
    customerId: string
    query: Query
    settings: PortalSettings
    /** The reply's consistency members, as JSON text to end the object with. */
    consistency: string
  }) => Promise<string>
}

const settled = <T>(call: Promise<T>): Promise<PromiseSettledResult<T>> =>
  call.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  )

const valueOf = <T>(result: PromiseSettledResult<T>): T => {
  if (result.status === 'rejected') throw result.reason
  return result.value
}

/** Whom the request counts against besides its client: the customer, or the staff member; none when refused. */
function countedAs(caller: PromiseSettledResult<Caller>, customerId: string | undefined): string | undefined {
  if (caller.status === 'rejected' || customerId === undefined || !mayRead(caller.value, customerId)) return undefined
  return caller.value.kind === 'customer' ? caller.value.customerId : `staff:${caller.value.userId}`
}

function portalHandler<Query extends { after?: string }>({ query: querySchema, reply }: Answer<Query>): PayloadHandler {
  return async (req) => {
    const settings = portalSettings()
    const redis = portalRedis(req.payload.logger)
    const clock = stopwatch(settings.serverTiming)
    let headers: Record<string, string> = {}
    try {
      const customerId = CustomerIdParam.safeParse(req.routeParams?.customerId)
      const query = querySchema.safeParse(Object.fromEntries(req.searchParams.entries()))
      // The token first (remembered once checked: no Redis), so that both limits go out together.
      const caller = await settled(callerOf(req, settings))
      const who = caller.status === 'fulfilled' ? caller.value : undefined
      clock.lap('token', who?.kind === 'customer' ? (who.remembered ? 'remembered' : 'checked') : undefined)
      const asking = countedAs(caller, customerId.data)
      const after = query.success ? query.data.after : undefined
      const position =
        asking && !after ? currentPosition(redis, chatLedgerStream(), PROJECTIONS.portal.group) : undefined
      // One round trip: the portal connection pipelines the commands a turn of the event loop issues.
      const address = clientAddressOf(req, settings.trustedProxyHops)
      const [byClient, byCustomer, reached] = await Promise.all([
        settled(clock.beside('limits', consume(redis, settings, 'client', address))),
        asking === undefined ? undefined : settled(consume(redis, settings, 'customer', asking)),
        position && clock.beside('position', position.lookup, position.shared ? 'shared' : 'looked up'),
      ])
      clock.lap('redis')
      const client = valueOf(byClient)
      headers = rateLimitHeaders(client)
      if (!customerId.success) throw customerId.error
      if (!mayRead(valueOf(caller), customerId.data)) throw new PortalError(403, 'This token is for another customer.')
      headers = rateLimitHeaders(client, valueOf(byCustomer!))
      if (!query.success) throw query.error
      const consistency = after
        ? await positionAfter(redis, settings, after).finally(() => clock.lap('after'))
        : { position: reached ?? null, behind: false }
      const body = await reply({
        req,
        customerId: customerId.data,
        query: query.data,
        settings,
        consistency: `"position":${JSON.stringify(consistency.position)},"behind":${consistency.behind}`,
      })
      clock.lap('read')
      countPortalRequest(200)
      return new Response(body, {
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers, ...clock.headers() },
      })
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

const pageSizeOf = (limit: number | undefined, settings: PortalSettings) =>
  Math.min(limit ?? settings.pageSize, settings.maxPageSize)

const listApplications = portalHandler({
  query: ListQuery,
  reply: async ({ req, customerId, query, settings, consistency }) => {
    const limit = pageSizeOf(query.limit, settings)
    const { answers, nextCursor } = await listFor(req.payload, 'applications', customerId, {
      limit,
      cursor: query.cursor,
    })
    return `{"applications":[${answers.join(',')}],"nextCursor":${JSON.stringify(nextCursor)},${consistency}}`
  },
})

const getApplication = portalHandler({
  query: DetailQuery,
  reply: async ({ req, customerId, consistency }) => {
    const applicationNumber = ApplicationNumberParam.parse(req.routeParams?.applicationNumber)
    return `{"application":${await applicationFor(req.payload, customerId, applicationNumber)},${consistency}}`
  },
})

const listConversations = portalHandler({
  query: ListQuery,
  reply: async ({ req, customerId, query, settings, consistency }) => {
    const limit = pageSizeOf(query.limit, settings)
    const { answers, nextCursor } = await listFor(req.payload, 'conversations', customerId, {
      limit,
      cursor: query.cursor,
    })
    return `{"conversations":[${answers.join(',')}],"nextCursor":${JSON.stringify(nextCursor)},${consistency}}`
  },
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
