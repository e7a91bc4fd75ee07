/** A customer token as the customer portal would sign it (HS256 with PORTAL_JWT_SECRET): for development and tests. */
import { SignJWT } from 'jose'

import { portalSettings } from './settings'

export async function mintCustomerToken(
  customerId: string,
  { ttlSeconds = 900, secret = portalSettings().jwtSecret } = {},
) {
  if (!secret) throw new Error('PORTAL_JWT_SECRET is not set: bin/setup writes one into .env, or set it yourself.')
  const { issuer, audience } = portalSettings()
  const token = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(customerId)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
  if (issuer) token.setIssuer(issuer)
  if (audience) token.setAudience(audience)
  return token.sign(new TextEncoder().encode(secret))
}
