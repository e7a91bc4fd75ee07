/** What the customer portal API can be told through the environment (README, "Customer portal API"). */
import { booleanSetting, intSetting, positiveIntSetting, stringSetting } from '@/lib/env'

export type PortalSettings = {
  /** HS256: the secret the customer portal signs its tokens with. */
  jwtSecret: string | undefined
  /** RS256/ES256: where the portal's public keys are published (a JWKS). */
  jwksUrl: string | undefined
  /** RS256/ES256: the portal's public key as PEM (SPKI), instead of a JWKS. */
  publicKey: string | undefined
  /** The algorithms accepted; anything else (`none` included) is refused. */
  algorithms: string[]
  /** What `iss` must equal, and what `aud` must contain: required outside development. */
  issuer: string | undefined
  audience: string | undefined
  /** How long after its `iat` a token is accepted, whatever its `exp` says. */
  maxTokenAgeSeconds: number
  /**
   * Why customer tokens are refused with 503 (no key to verify them with, or no issuer and
   * audience outside development), in words an operator can act on; undefined when they are not.
   */
  unconfigured: string | undefined
  /** Requests allowed per customer, and per client address, in each window. */
  perCustomer: number
  perClient: number
  windowSeconds: number
  /**
   * How many proxies in front of the app append to X-Forwarded-For (0: none, the socket's address
   * is the client's). See clientAddress.ts.
   */
  trustedProxyHops: number
  /** How long `?after=` waits for the portal projection to pass the entry. */
  afterTimeoutMs: number
  /** Records per page, by default and at most. */
  pageSize: number
  maxPageSize: number
  /** Whether answers carry a Server-Timing header: what each step of the request took (the bench reads it). */
  serverTiming: boolean
}

const optional = (name: string) => process.env[name]?.trim() || undefined

/** Where issuer and audience may be left out: `next dev` and the tests. */
const DEVELOPMENT = ['development', 'test']

function unconfigured(keyed: boolean, issuer?: string, audience?: string): string | undefined {
  if (!keyed) {
    return 'The customer portal API is not configured: set PORTAL_JWT_SECRET, PORTAL_JWKS_URL or PORTAL_JWT_PUBLIC_KEY.'
  }
  const environment = process.env.NODE_ENV
  if (DEVELOPMENT.includes(environment ?? '')) return undefined
  const missing = Object.entries({ PORTAL_JWT_ISSUER: issuer, PORTAL_JWT_AUDIENCE: audience })
    .filter(([, value]) => !value)
    .map(([name]) => name)
  if (missing.length === 0) return undefined
  return (
    `The customer portal API refuses customer tokens until ${missing.join(' and ')} ` +
    `${missing.length > 1 ? 'are' : 'is'} set (required unless NODE_ENV is development or test; ` +
    `it is ${environment ?? 'unset'}): without them a token signed with the same key for another ` +
    'application would be accepted.'
  )
}

/** Every variable the settings are read from. */
const VARIABLES = [
  'NODE_ENV',
  'PORTAL_JWT_SECRET',
  'PORTAL_JWKS_URL',
  'PORTAL_JWT_PUBLIC_KEY',
  'PORTAL_JWT_ALGORITHMS',
  'PORTAL_JWT_ISSUER',
  'PORTAL_JWT_AUDIENCE',
  'PORTAL_JWT_MAX_AGE_SECONDS',
  'PORTAL_RATE_LIMIT_PER_CUSTOMER',
  'PORTAL_RATE_LIMIT_PER_CLIENT',
  'PORTAL_RATE_LIMIT_WINDOW_SECONDS',
  'PORTAL_TRUSTED_PROXY_HOPS',
  'PORTAL_AFTER_TIMEOUT_MS',
  'PORTAL_PAGE_SIZE',
  'PORTAL_SERVER_TIMING',
]

let last: { variables: string; settings: PortalSettings } | undefined

/**
 * The settings, as the environment says now (read for every request, so a changed variable
 * counts from the next request on). Parsed again only when a variable changed: parsing them all
 * took about 4 % of the production server's CPU under portal load, as much as its database read.
 */
export function portalSettings(): PortalSettings {
  const variables = JSON.stringify(VARIABLES.map((name) => process.env[name]))
  if (last?.variables !== variables) last = { variables, settings: readSettings() }
  return last.settings
}

function readSettings(): PortalSettings {
  const jwtSecret = optional('PORTAL_JWT_SECRET')
  const keyed = optional('PORTAL_JWKS_URL') || optional('PORTAL_JWT_PUBLIC_KEY')
  const issuer = optional('PORTAL_JWT_ISSUER')
  const audience = optional('PORTAL_JWT_AUDIENCE')
  const algorithms = stringSetting('PORTAL_JWT_ALGORITHMS', keyed ? 'RS256,ES256' : 'HS256')
    .split(',')
    .map((algorithm) => algorithm.trim())
    .filter(Boolean)
  return {
    jwtSecret,
    jwksUrl: optional('PORTAL_JWKS_URL'),
    publicKey: optional('PORTAL_JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n'),
    algorithms,
    issuer,
    audience,
    maxTokenAgeSeconds: positiveIntSetting('PORTAL_JWT_MAX_AGE_SECONDS', 3_600),
    unconfigured: unconfigured(Boolean(jwtSecret || keyed), issuer, audience),
    perCustomer: positiveIntSetting('PORTAL_RATE_LIMIT_PER_CUSTOMER', 120),
    perClient: positiveIntSetting('PORTAL_RATE_LIMIT_PER_CLIENT', 600),
    windowSeconds: positiveIntSetting('PORTAL_RATE_LIMIT_WINDOW_SECONDS', 60),
    trustedProxyHops: intSetting('PORTAL_TRUSTED_PROXY_HOPS', 0),
    afterTimeoutMs: intSetting('PORTAL_AFTER_TIMEOUT_MS', 2_000),
    pageSize: positiveIntSetting('PORTAL_PAGE_SIZE', 20),
    maxPageSize: 100,
    serverTiming: booleanSetting('PORTAL_SERVER_TIMING', false),
  }
}
