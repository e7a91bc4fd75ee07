/**
 * Rate limits of the customer portal API, per customer and per client address, counted in Redis
 * so every app instance shares them (rate-limiter-flexible). While Redis is unreachable each
 * process counts on its own (an in-memory insurance limiter): customers are not locked out by
 * our outage, and the limits still hold per instance.
 */
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

import { PortalError } from './auth'
import type { PortalSettings } from './settings'

type Limiters = { customer: RateLimiterRedis; client: RateLimiterRedis; id: string }
let limiters: Limiters | undefined

function limitersOf(redis: Redis, settings: PortalSettings): Limiters {
  const id = `${settings.perCustomer}/${settings.perClient}/${settings.windowSeconds}`
  if (limiters?.id === id) return limiters
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `portal:ratelimit:${name}`,
      points,
      duration: settings.windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration: settings.windowSeconds }),
    })
  return (limiters = {
    customer: limiter('customer', settings.perCustomer),
    client: limiter('client', settings.perClient),
    id,
  })
}

const CONNECT_WAIT_MS = 500

/**
 * A connection that is still being opened (the process's first request) is waited for a moment:
 * the limiters count in memory only while Redis is actually unreachable, not while it connects.
 */
async function connected(redis: Redis): Promise<void> {
  if (
    redis.status === 'ready' ||
    (redis.status !== 'wait' && redis.status !== 'connecting' && redis.status !== 'connect')
  ) {
    return
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, CONNECT_WAIT_MS)
    function done() {
      clearTimeout(timer)
      redis.off('ready', done)
      resolve()
    }
    redis.once('ready', done)
  })
}

/** The IETF RateLimit headers for one limit. */
const headersOf = (limit: number, result: RateLimiterRes): Record<string, string> => ({
  'RateLimit-Limit': String(limit),
  'RateLimit-Remaining': String(Math.max(0, result.remainingPoints)),
  'RateLimit-Reset': String(Math.ceil(result.msBeforeNext / 1000)),
})

/**
 * Counts one request against the customer's limit and the client's; returns the headers of the
 * tighter one, or throws a 429 with Retry-After when either is spent.
 */
export async function consume(
  redis: Redis,
  settings: PortalSettings,
  { customerId, client }: { customerId: string; client: string },
): Promise<Record<string, string>> {
  await connected(redis)
  const { customer, client: byClient } = limitersOf(redis, settings)
  const outcomes = await Promise.all([
    customer.consume(customerId).then(
      (result) => ({ ok: true as const, limit: settings.perCustomer, result }),
      (result: unknown) => ({ ok: false as const, limit: settings.perCustomer, result }),
    ),
    byClient.consume(client).then(
      (result) => ({ ok: true as const, limit: settings.perClient, result }),
      (result: unknown) => ({ ok: false as const, limit: settings.perClient, result }),
    ),
  ])
  for (const outcome of outcomes) {
    if (!outcome.ok && !(outcome.result instanceof RateLimiterRes)) throw outcome.result
  }
  const spent = outcomes.find((outcome) => !outcome.ok)
  if (spent) {
    const result = spent.result as RateLimiterRes
    const retryAfter = String(Math.max(1, Math.ceil(result.msBeforeNext / 1000)))
    throw new PortalError(429, `Too many requests: try again in ${retryAfter} s.`, {
      ...headersOf(spent.limit, result),
      'Retry-After': retryAfter,
    })
  }
  const [tighter] = [...outcomes].sort(
    (a, b) => (a.result as RateLimiterRes).remainingPoints - (b.result as RateLimiterRes).remainingPoints,
  )
  return headersOf(tighter!.limit, tighter!.result as RateLimiterRes)
}
