import { redirect } from 'next/navigation'
import type { InitPageResult, TypedUser } from 'payload'
import { formatAdminURL } from 'payload/shared'

import { hasRole } from '@/access/roles'

/**
 * Custom admin views are public until they check: the view's first line. Anonymous readers go
 * to the login page (and come back here after it); logged-in people who are not staff
 * (admin or supervisor) get Payload's "unauthorized" page.
 */
export function requireStaff({ req }: InitPageResult, path: string): TypedUser {
  const {
    admin: { routes },
    routes: { admin: adminRoute },
  } = req.payload.config
  const user = req.user
  if (!user) {
    const back = formatAdminURL({ adminRoute, path: path === '/' ? '' : (path as `/${string}`) })
    redirect(`${formatAdminURL({ adminRoute, path: routes.login })}?redirect=${encodeURIComponent(back)}`)
  }
  if (!hasRole(user, 'admin', 'supervisor')) redirect(formatAdminURL({ adminRoute, path: routes.unauthorized }))
  return user
}

/** As requireStaff, for the admin-only views (operations): supervisors get "unauthorized". */
export function requireAdmin(result: InitPageResult, path: string): TypedUser {
  const user = requireStaff(result, path)
  const {
    admin: { routes },
    routes: { admin: adminRoute },
  } = result.req.payload.config
  if (!hasRole(user, 'admin')) redirect(formatAdminURL({ adminRoute, path: routes.unauthorized }))
  return user
}
