/**
 * Rate limits of the customer portal API, per customer and per client address, counted in Redis
 * so every app instance shares them (rate-limiter-flexible). While Redis is unreachable each
 * process counts on its own (an in-memory insurance limiter): customers are not locked out by
 * our outage, and the limits still hold per instance. A request's two counts go out together
 * (src/endpoints/portal.ts) on the portal's pipelining connection: one round trip.
 */
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

import { PortalError } from './auth'
import type { PortalSettings } from './settings'

type Limiters = { customer: RateLimiterRedis; client: RateLimiterRedis; id: string; redis: Redis }
let limiters: Limiters | undefined

/** The limiters of these settings on this connection (made again when either changes). */
function limitersOf(redis: Redis, settings: PortalSettings): Limiters {
  const id = `${settings.perCustomer}/${settings.perClient}/${settings.windowSeconds}`
  if (limiters?.id === id && limiters.redis === redis) return limiters
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
    redis,
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

export type Allowance = { limit: number; result: RateLimiterRes }

/**
 * Counts one request against a limit: the client address's (`client`, before the caller is known,
 * so failed sign-ins count too) or the customer's (`customer`). Returns what is left, or throws a
 * 429 with Retry-After when it is spent.
 */
export async function consume(
  redis: Redis,
  settings: PortalSettings,
  which: 'client' | 'customer',
  key: string,
): Promise<Allowance> {
  await connected(redis)
  const limiter = limitersOf(redis, settings)[which]
  const limit = which === 'client' ? settings.perClient : settings.perCustomer
  try {
    return { limit, result: await limiter.consume(key) }
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal
    const retryAfter = String(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)))
    throw new PortalError(429, `Too many requests: try again in ${retryAfter} s.`, {
      ...headersOf(limit, refusal),
      'Retry-After': retryAfter,
    })
  }
}

/** The IETF RateLimit headers of the tighter of the allowances. */
export const rateLimitHeaders = (...allowances: Allowance[]): Record<string, string> => {
  const [tighter] = [...allowances].sort((a, b) => a.result.remainingPoints - b.result.remainingPoints)
  return tighter ? headersOf(tighter.limit, tighter.result) : {}
}
