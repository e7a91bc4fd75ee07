/**
 * Who may see operations: admins (a Payload session), or a caller with the configured bearer
 * token (HEALTH_TOKEN for health details, METRICS_TOKEN for metrics: a Prometheus scraper has no
 * session). Supervisors and anonymous callers get 403 / 401 with a JSON `{ message }`.
 */
import crypto from 'node:crypto'

import type { PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'

export const refuse = (status: number, message: string) => Response.json({ message }, { status })

/** Whether the request carries `Authorization: Bearer <token>` for this token (compared in constant time). */
export function hasBearer(req: PayloadRequest, token: string | undefined): boolean {
  if (!token) return false
  const header = req.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  if (!match) return false
  const given = crypto.createHash('sha256').update(match[1]!).digest()
  const expected = crypto.createHash('sha256').update(token).digest()
  return crypto.timingSafeEqual(given, expected)
}

export const isAdminRequest = (req: PayloadRequest): boolean => hasRole(req.user, 'admin')

/** undefined when an admin asks (or a caller with `token`); else the refusal to answer with. */
export function refuseUnlessAdmin(req: PayloadRequest, token?: string): Response | undefined {
  if (isAdminRequest(req) || hasBearer(req, token)) return undefined
  if (!req.user) return refuse(401, 'Log in as an admin (or send the configured bearer token) to see operations.')
  return refuse(403, 'Operations are for admins only.')
}
