/**
 * `pnpm portal-token <customerId> [--ttl 900]`: prints a short-lived customer token, signed as the
 * customer portal signs its own (HS256 with PORTAL_JWT_SECRET, with PORTAL_JWT_ISSUER and
 * PORTAL_JWT_AUDIENCE when set), for trying the portal API:
 *
 *   curl -H "Authorization: Bearer $(pnpm -s portal-token CUS-0000042)" \
 *     http://localhost:3000/api/customer/CUS-0000042/applications
 */
import 'dotenv/config'

import { parseArgs } from 'node:util'

import { mintCustomerToken } from '../portal/token'

const options = { ttl: { type: 'string', default: '900' } } as const
const { positionals, values } = parseArgs({ allowPositionals: true, options })
const [customerId] = positionals
const ttlSeconds = Number(values.ttl)
if (!customerId || !Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
  console.error('usage: pnpm portal-token <customerId> [--ttl seconds, a whole number ≥ 1]')
  process.exit(2)
}
try {
  console.log(await mintCustomerToken(customerId, { ttlSeconds }))
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
