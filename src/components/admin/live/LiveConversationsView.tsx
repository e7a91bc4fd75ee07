import { Gutter } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { requireStaff } from '../access'
import { filtersFromParams, loadCards } from '../shared/cards'
import { localFinder } from '../shared/localFinder'
import { LiveConversations } from './LiveConversations.client'
import './live.scss'

/**
 * Live Conversations: the admin's dashboard (`admin.components.views.dashboard`), so it is the
 * page every supervisor lands on after login. The server reads the first page with the user's
 * access; the client child follows the change feed and pages on.
 */
export async function LiveConversationsView({ initPageResult, searchParams }: AdminViewServerProps) {
  requireStaff(initPageResult, '/')
  const filters = filtersFromParams(searchParams)
  const initial = await loadCards(localFinder(initPageResult.req), filters)
  // A server component renders once per request: its clock reading is the page's render time.
  // eslint-disable-next-line react-hooks/purity
  const renderedAt = Date.now()
  return (
    <Gutter className="billie-live-view">
      <LiveConversations
        initial={initial}
        initialFilters={filters}
        key={`${filters.status ?? ''}|${filters.search}`}
        renderedAt={renderedAt}
      />
    </Gutter>
  )
}
