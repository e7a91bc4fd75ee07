'use client'
import { Link, useAuth, useConfig } from '@payloadcms/ui'
import { usePathname } from 'next/navigation'
import { formatAdminURL } from 'payload/shared'
import React from 'react'

import { hasRole, type Role } from '@/access/roles'

type Props = { path: `/${string}`; label: string; roles?: Role[] }

/** A nav link to one of the custom admin views, shown to the roles it is for (the view checks again). */
export function ViewNavLink({ path, label, roles = ['admin', 'supervisor'] }: Props) {
  const {
    config: {
      routes: { admin: adminRoute },
    },
  } = useConfig()
  const { user } = useAuth()
  const pathname = usePathname()
  if (!hasRole(user as { role?: string | null } | null, ...roles)) return null
  const href = formatAdminURL({ adminRoute, path })
  const active = pathname === href || pathname.startsWith(`${href}/`)
  return (
    <Link className="nav__link" href={href} id={`nav-${path.slice(1)}`} prefetch={false}>
      {active && <div className="nav__link-indicator" />}
      <span className="nav__link-label">{label}</span>
    </Link>
  )
}
