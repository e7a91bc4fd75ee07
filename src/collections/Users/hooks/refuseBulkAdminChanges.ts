import { APIError, type CollectionBeforeOperationHook, type Where } from 'payload'

/**
 * A bulk request (`PATCH` or `DELETE /api/users?where=…`, the admin panel's "edit many" and
 * "delete many") may not demote or delete admins: it is refused as a whole before anything is
 * written, rather than half done. Admins are changed one at a time, where the last one is kept
 * (../withOneAdminKept.ts). Promoting many users to admin, or changing other fields, stays allowed.
 * Payload names a request for one document `update` or `delete` too: a bulk one has a `where`.
 */
export const refuseBulkAdminChanges: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'update' && operation !== 'delete') return
  const { where, data, overrideAccess } = args as { where?: Where; data?: { role?: unknown }; overrideAccess?: boolean }
  if (!where) return
  if (operation === 'update' && (data?.role === undefined || data.role === 'admin')) return
  // Only the admins this caller can see count: the answer says nothing about users they cannot read.
  const { totalDocs } = await req.payload.count({
    collection: 'users',
    where: { and: [where, { role: { equals: 'admin' } }] },
    overrideAccess: overrideAccess ?? false,
    req,
  })
  if (totalDocs === 0) return
  throw new APIError(
    `This request would ${operation === 'update' ? 'change the role of' : 'delete'} ${totalDocs} admin(s) at once: ` +
      'change or delete admins one at a time (the last admin is always kept).',
    400,
    undefined,
    true,
  )
}
