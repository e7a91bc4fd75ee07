/**
 * Who is asking: a customer, by a bearer JWT the customer portal signed after signing them in
 * upstream (`sub` is the customer id), verified with jose; or a staff member, by their Payload
 * session (support reads any customer). Payload itself reads only `JWT …` headers and cookies
 * (config auth.jwtOrder), so a `Bearer` token is always a portal token.
 */
import { createPublicKey, type KeyObject } from 'node:crypto'

import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose'
import type { PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'

import type { PortalSettings } from './settings'

export type Caller =
  /** `remembered`: the token was accepted before, and not checked again (see customerOfToken). */
  { kind: 'customer'; customerId: string; remembered: boolean } | { kind: 'staff'; userId: number | string }

export class PortalError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 429 | 503,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

type Key = Uint8Array | KeyObject | CryptoKey | JWTVerifyGetKey

let cached: { settings: string; key: Promise<Key> } | undefined

/**
 * The verification key the settings name (cached while they stay the same). They name one whenever
 * `settings.unconfigured` is unset: a JWKS, else a PEM key, else the secret.
 */
function keyOf(settings: PortalSettings): Promise<Key> {
  const id = JSON.stringify([settings.jwtSecret, settings.jwksUrl, settings.publicKey, settings.algorithms])
  if (cached?.settings === id) return cached.key
  const key = (async (): Promise<Key> => {
    if (settings.jwksUrl) return createRemoteJWKSet(new URL(settings.jwksUrl))
    // A PEM key carries its type (RSA or EC): jwtVerify then checks the token's alg against both
    // the accepted algorithms and the key.
    if (settings.publicKey) return createPublicKey(settings.publicKey)
    return new TextEncoder().encode(settings.jwtSecret)
  })()
  cached = { settings: id, key }
  key.catch(() => (cached = undefined))
  return key
}

const bearerOf = (req: PayloadRequest): string | undefined => {
  const header = req.headers.get('authorization')
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined
}

/**
 * The `typ` header values accepted when a token has one: a JWT (RFC 7519) or an OAuth access token
 * (RFC 9068), compared as RFC 7515 says (case-insensitively, `application/` optional). Any other
 * type is a token made for something else: a logout token, a security event.
 */
const ACCEPTED_TYPES = ['jwt', 'at+jwt']
const typeAccepted = (typ: string | undefined) =>
  typ === undefined || ACCEPTED_TYPES.includes(typ.toLowerCase().replace(/^application\//, ''))

/** Leeway for the portal's clock and ours, on `exp` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 5

/** Why a token was refused, in words a portal developer can act on (never echoing the token). */
function refusal(error: unknown, settings: PortalSettings): PortalError {
  if (error instanceof errors.JWTExpired && error.claim === 'iat') {
    return new PortalError(401, `The token was issued more than ${settings.maxTokenAgeSeconds} s ago: sign in again.`)
  }
  if (error instanceof errors.JWTExpired) return new PortalError(401, 'The token has expired: sign in again.')
  if (error instanceof errors.JOSEAlgNotAllowed) return new PortalError(401, 'The token’s algorithm is not accepted.')
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new PortalError(401, `The token’s ${error.claim} claim is missing or not accepted.`)
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new PortalError(401, 'The token’s signature is not valid.')
  if (error instanceof PortalError) return error
  return new PortalError(401, 'The token could not be read as a signed JWT.')
}

/**
 * How long an accepted token is remembered at most, however long it stays valid: verification
 * against a JWKS trusts keys jose caches for up to 10 minutes, so a key withdrawn from the JWKS
 * stops being trusted here within about that too.
 */
const REMEMBERED_FOR_MS = 5 * 60_000
/** How many accepted tokens are remembered at once (the oldest go first). */
const REMEMBERED_AT_MOST = 10_000

/**
 * Accepted tokens, while the settings that accepted them stay the same: the customer each names,
 * and until when it stays acceptable. Measured in process, jose's checks of an HS256 token cost
 * about 66 µs of CPU (a WebCrypto HMAC and a thread-pool hop; RS256 and ES256 more), about a fifth
 * of what the rest of a portal request costs; a customer's portal sends the same token with every
 * request, so each is checked once and then looked up. Only tokens that passed every check are
 * kept, and only until the earlier of their `exp` and `iat` + PORTAL_JWT_MAX_AGE_SECONDS, without
 * the clock tolerance jose allows: a remembered token is never accepted later than jose would
 * accept it. Changing any setting that decides acceptance (key, algorithms, issuer, audience,
 * maximum age) forgets them all.
 */
let remembered: { settings: string; tokens: Map<string, { customerId: string; until: number }> } | undefined

function rememberedTokens(settings: PortalSettings) {
  const id = JSON.stringify([
    settings.jwtSecret,
    settings.jwksUrl,
    settings.publicKey,
    settings.algorithms,
    settings.issuer,
    settings.audience,
    settings.maxTokenAgeSeconds,
  ])
  if (remembered?.settings !== id) remembered = { settings: id, tokens: new Map() }
  return remembered.tokens
}

/**
 * The customer a token names, and whether it was remembered rather than checked, at `now` (ms;
 * the clock, unless a test gives one). Throws the 401 or 503 that says why it is refused.
 */
export async function customerOfToken(
  token: string,
  settings: PortalSettings,
  now = Date.now(),
): Promise<{ customerId: string; remembered: boolean }> {
  if (settings.unconfigured) throw new PortalError(503, settings.unconfigured)
  const tokens = rememberedTokens(settings)
  const known = tokens.get(token)
  if (known && now < known.until) return { customerId: known.customerId, remembered: true }
  if (known) tokens.delete(token)
  const key = await keyOf(settings)
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key as Uint8Array, {
      algorithms: settings.algorithms,
      requiredClaims: ['exp', 'sub'],
      maxTokenAge: settings.maxTokenAgeSeconds,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now),
      ...(settings.issuer ? { issuer: settings.issuer } : {}),
      ...(settings.audience ? { audience: settings.audience } : {}),
    })
    if (!typeAccepted(protectedHeader.typ)) {
      throw new PortalError(401, 'The token’s typ header is not accepted: sign it as JWT or at+jwt, or without typ.')
    }
    const customerId = payload.sub!
    // (maxTokenAge made iat required, and requiredClaims exp)
    const until = Math.min(
      payload.exp! * 1000,
      (payload.iat! + settings.maxTokenAgeSeconds) * 1000,
      now + REMEMBERED_FOR_MS,
    )
    if (tokens.size >= REMEMBERED_AT_MOST) tokens.delete(tokens.keys().next().value!)
    tokens.set(token, { customerId, until })
    return { customerId, remembered: false }
  } catch (error) {
    throw refusal(error, settings)
  }
}

export async function callerOf(req: PayloadRequest, settings: PortalSettings): Promise<Caller> {
  const token = bearerOf(req)
  if (!token) {
    if (req.user && hasRole(req.user, 'admin', 'supervisor')) return { kind: 'staff', userId: req.user.id }
    throw new PortalError(401, 'Send the customer’s token as Authorization: Bearer <token>.')
  }
  return { kind: 'customer', ...(await customerOfToken(token, settings)) }
}

/**
 * Whether the caller may read this customer's records: staff any, a customer only their own (the
 * API refuses another customer's with 403 and the same words whether or not that customer exists).
 */
export const mayRead = (caller: Caller, customerId: string): boolean =>
  caller.kind === 'staff' || caller.customerId === customerId
