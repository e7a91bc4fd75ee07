/** The roles a dashboard user can hold. Staff = everyone allowed into the dashboard. */
export const ROLES = ['admin', 'supervisor'] as const
export type Role = (typeof ROLES)[number]

type MaybeUser = { role?: string | null } | null | undefined

export const hasRole = (user: MaybeUser, ...roles: Role[]): boolean =>
  Boolean(user?.role && (roles as string[]).includes(user.role))
