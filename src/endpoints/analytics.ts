import type { Endpoint } from 'payload'
import { z } from 'zod'

import { hasRole } from '@/access/roles'
import { analyticsFor } from '@/analytics/query'
import { businessTimeZone } from '@/analytics/settings'

const DAY = 86_400_000
const MAX_DAYS = 92
const MAX_HOURLY_DAYS = 14

const Query = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    bucket: z.enum(['hour', 'day']).optional(),
  })
  .transform(({ from, to, bucket }) => {
    const end = to ? Date.parse(to) : Date.now()
    const start = from ? Date.parse(from) : end - 7 * DAY
    const days = (end - start) / DAY
    return {
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      bucket: bucket ?? (days <= 2 ? 'hour' : 'day'),
      days,
    } as const
  })
  .refine(({ days }) => days > 0, { message: 'from must be before to' })
  .refine(({ days }) => days <= MAX_DAYS, { message: `a range covers at most ${MAX_DAYS} days` })
  .refine(({ days, bucket }) => bucket === 'day' || days <= MAX_HOURLY_DAYS, {
    message: `hourly figures cover at most ${MAX_HOURLY_DAYS} days; ask for bucket=day`,
  })

/**
 * `GET /api/analytics?from=&to=&bucket=hour|day`: the analytics view's figures, for staff, per
 * day or hour as they run in the business time zone (BUSINESS_TIME_ZONE), which the answer's
 * `range.timeZone` names.
 */
export const analytics: Endpoint = {
  path: '/analytics',
  method: 'get',
  handler: async (req) => {
    if (!req.user) return Response.json({ message: 'Log in as a supervisor or admin.' }, { status: 401 })
    if (!hasRole(req.user, 'admin', 'supervisor'))
      return Response.json({ message: 'Analytics are for supervisors and admins only.' }, { status: 403 })
    const parsed = Query.safeParse(Object.fromEntries(req.searchParams))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      return Response.json(
        { message: `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` },
        { status: 400 },
      )
    }
    const { from, to, bucket } = parsed.data
    const range = { from, to, bucket, timeZone: businessTimeZone(req.payload.config) }
    return Response.json(await analyticsFor(req, range), { headers: { 'cache-control': 'no-store' } })
  },
}
