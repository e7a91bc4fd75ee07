import { APIError, type CollectionAfterReadHook, type PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'
import type { User } from '@/payload-types'

/** How a staff member is named on reviews and notes. */
export const nameOf = (user: Pick<User, 'firstName' | 'lastName' | 'email'>): string =>
  [user.firstName, user.lastName].filter(Boolean).join(' ').trim() || user.email

/** A name as people read it: "Alíce  ADMIN" and "Alice Admin" are the same name. */
export const sameName = (a: string, b: string): boolean => {
  const plain = (name: string) =>
    name.normalize('NFKD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en')
  return plain(a) === plain(b)
}

const namesByRequest = new WeakMap<PayloadRequest, Promise<Map<string, string>>>()

/**
 * Every user's current name by id, read once per request. Staff are a few hundred people at
 * most, and supervisors may not read the users collection themselves.
 */
function currentNames(req: PayloadRequest): Promise<Map<string, string>> {
  let names = namesByRequest.get(req)
  if (!names) {
    names = req.payload
      .find({
        collection: 'users',
        select: { firstName: true, lastName: true, email: true },
        pagination: false,
        depth: 0,
        overrideAccess: true,
        req,
      })
      .then(({ docs }) => new Map(docs.map((user) => [String(user.id), nameOf(user)])))
    namesByRequest.set(req, names)
  }
  return names
}

/**
 * Shows who a record names (relationship field → name field) by their current name, read from
 * their user record whenever the record is read: a name someone took for a moment and dropped
 * leaves nothing behind, and a real change of name reaches everything they wrote. The name stored
 * when the record was written is shown only once the account is gone.
 */
export const showCurrentNames =
  (fields: Record<string, string>): CollectionAfterReadHook =>
  async ({ doc, req }) => {
    const people = Object.entries(fields).filter(([relationship]) => relationship in doc)
    if (people.length === 0) return doc
    const names = await currentNames(req)
    const shown = { ...doc }
    for (const [relationship, name] of people) {
      const id = userIdOf(doc[relationship])
      shown[name] = (id === null ? undefined : names.get(String(id))) ?? doc[name] ?? null
    }
    return shown
  }

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
