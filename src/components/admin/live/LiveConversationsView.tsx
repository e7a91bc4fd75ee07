import { Gutter } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { attentionThresholds } from '@/attention/settings'
import { presenceSettings } from '@/presence/presence'

import { requireStaff } from '../access'
import { type AttentionJudge, countAttention, filtersFromParams, filtersToParams, loadCards } from '@/board/cards'
import { localFinder } from '@/board/localFinder'
import { LiveConversations } from './LiveConversations.client'
import { summaryOf, type ViewSummary } from './savedViews'
import './live.scss'

/**
 * Live Conversations: the admin's dashboard (`admin.components.views.dashboard`), so it is the
 * page every supervisor lands on after login. The server reads the first page with the user's
 * access; the client child follows the change feed and pages on.
 */
export async function LiveConversationsView({ initPageResult, searchParams }: AdminViewServerProps) {
  const user = requireStaff(initPageResult, '/')
  const { req } = initPageResult
  // `?view=<id>`: a saved view's filters (read with the user's access: their own or a shared one).
  const viewId = typeof searchParams?.view === 'string' ? searchParams.view : undefined
  const saved = viewId
    ? await req.payload
        .findByID({
          collection: 'saved-views',
          id: viewId,
          depth: 0,
          overrideAccess: false,
          user,
          req,
          disableErrors: true,
        })
        .catch(() => null)
    : null
  const view: ViewSummary | null = saved ? summaryOf(saved, user.id) : null
  const filters = view ? view.filters : filtersFromParams(searchParams)
  // A server component renders once per request: its clock reading is the page's render time.
  // eslint-disable-next-line react-hooks/purity
  const renderedAt = Date.now()
  const thresholds = attentionThresholds()
  const judge: AttentionJudge = { thresholds, now: () => renderedAt }
  const finder = localFinder(initPageResult.req)
  const [initial, attentionCount] = await Promise.all([
    loadCards(finder, filters, { judge, userId: user.id }),
    countAttention(finder, judge),
  ])
  return (
    <Gutter className="billie-live-view">
      <LiveConversations
        initial={initial}
        initialAttentionCount={attentionCount}
        initialFilters={filters}
        initialView={view}
        key={`${filtersToParams(filters).toString()}|${view?.id ?? ''}`}
        presenceHeartbeatMs={presenceSettings().heartbeatMs}
        renderedAt={renderedAt}
        thresholds={thresholds}
        userId={user.id}
      />
    </Gutter>
  )
}
