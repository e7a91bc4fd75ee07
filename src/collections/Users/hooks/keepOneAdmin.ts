import { APIError, type CollectionBeforeChangeHook, type CollectionBeforeDeleteHook } from 'payload'

const otherAdmins = async (req: Parameters<CollectionBeforeDeleteHook>[0]['req'], id: number | string) =>
  (
    await req.payload.count({
      collection: 'users',
      where: { and: [{ role: { equals: 'admin' } }, { id: { not_equals: id } }] },
      req,
    })
  ).totalDocs

/** Demoting the last admin would lock everyone out of user management. */
export const keepOneAdminOnDemote: CollectionBeforeChangeHook = async ({ data, originalDoc, operation, req }) => {
  if (operation !== 'update' || originalDoc?.role !== 'admin' || !data.role || data.role === 'admin') return data
  if ((await otherAdmins(req, originalDoc.id)) === 0) {
    throw new APIError(
      'This is the last admin: make another user admin before changing this role.',
      400,
      undefined,
      true,
    )
  }
  return data
}

export const keepOneAdminOnDelete: CollectionBeforeDeleteHook = async ({ id, req }) => {
  const user = await req.payload.findByID({ collection: 'users', id, depth: 0, req })
  if (user.role === 'admin' && (await otherAdmins(req, id)) === 0) {
    throw new APIError(
      'This is the last admin: make another user admin before deleting this one.',
      400,
      undefined,
      true,
    )
  }
}
