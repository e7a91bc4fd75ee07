import { Gutter } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { attentionThresholds } from '@/attention/settings'

import { requireStaff } from '../access'
import { type AttentionJudge, countAttention, filtersFromParams, filtersToParams, loadCards } from '../shared/cards'
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
  // A server component renders once per request: its clock reading is the page's render time.
  // eslint-disable-next-line react-hooks/purity
  const renderedAt = Date.now()
  const thresholds = attentionThresholds()
  const judge: AttentionJudge = { thresholds, now: () => renderedAt }
  const finder = localFinder(initPageResult.req)
  const [initial, attentionCount] = await Promise.all([
    loadCards(finder, filters, null, undefined, judge),
    countAttention(finder, judge),
  ])
  return (
    <Gutter className="billie-live-view">
      <LiveConversations
        initial={initial}
        initialAttentionCount={attentionCount}
        initialFilters={filters}
        key={filtersToParams(filters).toString()}
        renderedAt={renderedAt}
        thresholds={thresholds}
      />
    </Gutter>
  )
}
