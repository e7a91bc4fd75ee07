import type { Endpoint } from 'payload'

import { hasRole } from '@/access/roles'

import { nameOf } from '../staffNames'

/**
 * `GET /api/reviews/assignees`: who a review can be assigned to (every supervisor and admin, by
 * name). Supervisors cannot read the users collection; this gives them names and ids only.
 */
export const assigneesEndpoint: Endpoint = {
  path: '/assignees',
  method: 'get',
  handler: async (req) => {
    if (!req.user) return Response.json({ message: 'Log in to assign reviews.' }, { status: 401 })
    if (!hasRole(req.user, 'admin', 'supervisor'))
      return Response.json({ message: 'Reviews are for supervisors and admins only.' }, { status: 403 })
    const staff = await req.payload.find({
      collection: 'users',
      where: { role: { in: ['admin', 'supervisor'] } },
      select: { firstName: true, lastName: true, email: true },
      sort: 'firstName',
      pagination: false,
      depth: 0,
      req,
    })
    return Response.json({ docs: staff.docs.map((user) => ({ id: user.id, name: nameOf(user) })) })
  },
}
