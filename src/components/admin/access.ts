import { redirect } from 'next/navigation'
import type { InitPageResult, TypedUser } from 'payload'
import { formatAdminURL } from 'payload/shared'

import { hasRole, type Role } from '@/access/roles'

/**
 * Custom admin views are public until they check: the view's first line. Anonymous readers go
 * to the login page (and come back here after it); logged-in people who are not staff
 * (admin or supervisor) get Payload's "unauthorized" page.
 */
export function requireStaff(init: InitPageResult, path: string): TypedUser {
  return requireRole(init, path, 'admin', 'supervisor')
}

/** As requireStaff, for the admin-only views (operations, projections): supervisors get "unauthorized". */
export function requireAdmin(init: InitPageResult, path: string): TypedUser {
  return requireRole(init, path, 'admin')
}

function requireRole({ req }: InitPageResult, path: string, ...roles: Role[]): TypedUser {
  const {
    admin: { routes },
    routes: { admin: adminRoute },
  } = req.payload.config
  const user = req.user
  if (!user) {
    const back = formatAdminURL({ adminRoute, path: path === '/' ? '' : (path as `/${string}`) })
    redirect(`${formatAdminURL({ adminRoute, path: routes.login })}?redirect=${encodeURIComponent(back)}`)
  }
  if (!hasRole(user, ...roles)) redirect(formatAdminURL({ adminRoute, path: routes.unauthorized }))
  return user
}
