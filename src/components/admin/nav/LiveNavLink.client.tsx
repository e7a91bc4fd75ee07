'use client'
import { Link, useConfig } from '@payloadcms/ui'
import { usePathname } from 'next/navigation'
import { formatAdminURL } from 'payload/shared'
import React from 'react'

/** "Live conversations" at the top of the nav: the dashboard (admin home) and every /live/… page. */
export function LiveNavLink() {
  const {
    config: {
      routes: { admin: adminRoute },
    },
  } = useConfig()
  const pathname = usePathname()
  const home = formatAdminURL({ adminRoute, path: '' })
  const detail = formatAdminURL({ adminRoute, path: '/live' })
  const active = pathname === home || pathname.startsWith(`${detail}/`)
  const content = (
    <>
      {active && <div className="nav__link-indicator" />}
      <span aria-hidden className="billie-nav-live__dot" />
      <span className="nav__link-label">Live conversations</span>
    </>
  )
  return (
    <div className="billie-nav-live">
      {pathname === home ? (
        <div aria-current="page" className="nav__link" id="nav-live-conversations">
          {content}
        </div>
      ) : (
        <Link className="nav__link" href={home} id="nav-live-conversations" prefetch={false}>
          {content}
        </Link>
      )}
    </div>
  )
}
