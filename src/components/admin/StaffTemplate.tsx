import { DefaultTemplate } from '@payloadcms/next/templates'
import type { AdminViewServerProps } from 'payload'
import type React from 'react'

/**
 * Payload renders a custom route's view without a template: this gives it the admin's own
 * chrome (nav, header, step nav), as the built-in views have.
 */
export function StaffTemplate({
  children,
  initPageResult,
  params,
  searchParams,
  viewType,
}: Pick<AdminViewServerProps, 'initPageResult' | 'params' | 'searchParams'> & {
  children: React.ReactNode
  viewType: string
}) {
  const { locale, permissions, req, visibleEntities } = initPageResult
  return (
    <DefaultTemplate
      i18n={req.i18n}
      locale={locale}
      params={params}
      payload={req.payload}
      permissions={permissions}
      req={req}
      searchParams={searchParams}
      user={req.user ?? undefined}
      viewType={viewType}
      visibleEntities={{ collections: visibleEntities.collections, globals: visibleEntities.globals }}
    >
      {children}
    </DefaultTemplate>
  )
}
