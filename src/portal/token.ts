/**
 * A customer token as the customer portal would sign it (HS256 with PORTAL_JWT_SECRET, `typ: JWT`,
 * `iat` now, and the configured issuer and audience): for development, tests and the bench.
 */
import { SignJWT } from 'jose'

import { portalSettings } from './settings'

export async function mintCustomerToken(customerId: string, { ttlSeconds = 900 } = {}) {
  const { jwtSecret, issuer, audience, maxTokenAgeSeconds } = portalSettings()
  if (!jwtSecret) throw new Error('PORTAL_JWT_SECRET is not set: bin/setup writes one into .env, or set it yourself.')
  if (ttlSeconds > maxTokenAgeSeconds) {
    throw new Error(
      `A token living ${ttlSeconds} s would be refused ${maxTokenAgeSeconds} s after it is issued ` +
        '(PORTAL_JWT_MAX_AGE_SECONDS): ask for a shorter one, or raise that setting for the app too.',
    )
  }
  const token = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(customerId)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
  if (issuer) token.setIssuer(issuer)
  if (audience) token.setAudience(audience)
  return token.sign(new TextEncoder().encode(jwtSecret))
}
