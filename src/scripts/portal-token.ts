/**
 * `pnpm portal-token <customerId> [--ttl 900]`: prints a short-lived customer token, signed as the
 * customer portal signs its own (HS256, PORTAL_JWT_SECRET), for trying the portal API:
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
if (!customerId) {
  console.error('usage: pnpm portal-token <customerId> [--ttl seconds]')
  process.exit(2)
}
console.log(await mintCustomerToken(customerId, { ttlSeconds: Number(values.ttl) }))
