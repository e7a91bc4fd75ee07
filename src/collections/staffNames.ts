import { APIError, type PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'
import type { User } from '@/payload-types'

/** How a staff member is named on reviews and notes (copied, so supervisors need not read users). */
export const nameOf = (user: Pick<User, 'firstName' | 'lastName' | 'email'>): string =>
  [user.firstName, user.lastName].filter(Boolean).join(' ').trim() || user.email

/** The staff member `id` as stored on a review; a 400 when it names nobody on the staff. */
export async function staffMember(req: PayloadRequest, id: unknown): Promise<User> {
  const user =
    id === null || id === undefined || id === ''
      ? null
      : await req.payload
          .findByID({ collection: 'users', id: id as number, depth: 0, disableErrors: true, req })
          .catch(() => null)
  if (!user || !hasRole(user, 'admin', 'supervisor')) {
    throw new APIError(
      `User ${JSON.stringify(id)} is not a supervisor or admin: assign the review to one.`,
      400,
      undefined,
      true,
    )
  }
  return user
}

/** A relationship value's id, populated or not. */
export const userIdOf = (value: unknown): number | string | null =>
  value === null || value === undefined
    ? null
    : typeof value === 'object'
      ? (value as { id: number }).id
      : (value as number)
