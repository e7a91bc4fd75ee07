import { APIError, type CollectionBeforeChangeHook } from 'payload'

import type { User } from '@/payload-types'

import { nameOf, sameName } from '../../staffNames'

/**
 * Nobody renames themselves into another user's name, whatever its case, accents or spacing:
 * notes and reviews name their authors, and a borrowed name would pass one person's work off as
 * another's. Admins naming the people they invite may still give two of them the same name.
 */
export const refuseTakenNames: CollectionBeforeChangeHook<User> = async ({ data, originalDoc, operation, req }) => {
  if (operation !== 'update' || !originalDoc || String(req.user?.id) !== String(originalDoc.id)) return data
  const name = nameOf({ ...originalDoc, ...data })
  if (sameName(name, nameOf(originalDoc))) return data
  const others = await req.payload.find({
    collection: 'users',
    where: { id: { not_equals: originalDoc.id } },
    select: { firstName: true, lastName: true, email: true },
    pagination: false,
    depth: 0,
    overrideAccess: true,
    req,
  })
  const taken = others.docs.find((user) => sameName(nameOf(user), name))
  if (taken) {
    throw new APIError(
      `${nameOf(taken)} is already the name of another user: ` +
        'choose a name that tells you apart (a middle initial, say).',
      400,
      undefined,
      true,
    )
  }
  return data
}
