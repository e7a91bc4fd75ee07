'use client'
import { useConfig } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import React, { useCallback, useEffect, useMemo, useRef } from 'react'

import type { AttentionThresholds } from '@/attention/rules'
import { type AttentionJudge, isFiltered } from '@/board/cards'
import { restFinder } from '@/board/finder'
import type { CardPage, ListFilters } from '@/board/types'
import type { ChangeMessage } from '@/projections/changes'

import { useNow } from '../shared/hooks'
import { RetryBanner } from '../shared/RetryBanner.client'
import { useRealtime } from '../shared/useRealtime'
import { useOpenReviews } from '../reviews/openReviews'
import { BoardHeader, PausedNotice } from './BoardHeader.client'
import { BoardToolbar } from './BoardToolbar.client'
import { CardList } from './CardList.client'
import type { ViewSummary } from './savedViews'
import { useAttentionCount } from './useAttentionCount'
import { useBoardChanges } from './useBoardChanges'
import { useBoardFilters } from './useBoardFilters'
import { useBoardKeyboard } from './useBoardKeyboard'
import { useBoardQuery } from './useBoardQuery'
import { useListedPresence } from './useListedPresence'
import { usePausableFeed } from './usePausableFeed'

type Props = {
  initial: CardPage
  initialFilters: ListFilters
  initialAttentionCount: number
  /** The saved view the page was opened with (`?view=`). */
  initialView: ViewSummary | null
  /** How often viewers renew their presence: who is viewing the listed cards is re-read as often. */
  presenceHeartbeatMs: number
  renderedAt: number
  thresholds: AttentionThresholds
  /** Whose "assigned to me" the review filter means. */
  userId: number | string
}

/**
 * The Live Conversations board: the query behind the list (useBoardQuery) under the filters on
 * the board (useBoardFilters), kept current by the change feed through a feed the reader can
 * pause (usePausableFeed), with keyboard shortcuts (useBoardKeyboard).
 */
export function LiveConversations({
  initial,
  initialFilters,
  initialAttentionCount,
  initialView,
  presenceHeartbeatMs,
  renderedAt,
  thresholds,
  userId,
}: Props) {
  const {
    config: {
      routes: { admin: adminRoute, api },
    },
  } = useConfig()
  const finder = useMemo(() => restFinder(api), [api])
  // The browser's clock judges the time-based rules of its queries, as the server's did the first render.
  const judge = useMemo<AttentionJudge>(() => ({ thresholds, now: () => Date.now() }), [thresholds])
  const now = useNow(renderedAt)
  const topRef = useRef<HTMLDivElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)

  const board = useBoardFilters(initialFilters, initialView)
  const { filters, setFilters } = board
  const atTop = useCallback(() => {
    const top = topRef.current?.getBoundingClientRect().top
    return top === undefined || top >= 0
  }, [])
  const query = useBoardQuery({ finder, filters, judge, userId, initial, atTop })
  const { state, dispatch, setError, fail } = query

  const applyChanges = useBoardChanges(query)
  const feed = usePausableFeed<ChangeMessage>({
    apply: applyChanges,
    // Under the review filter, what the reviews admit may have changed: the list is replaced.
    catchUp: () => (filters.review ? query.replace('Refreshing failed') : query.resync()),
  })
  const attention = useAttentionCount({
    finder,
    judge,
    initial: initialAttentionCount,
    onError: fail('Counting the conversations that need attention failed'),
    onTick: () => filters.attention && onResync(),
  })

  const onChange = (change: ChangeMessage) => {
    if (change.collection === 'conversations') attention.refresh()
    feed.receive(change)
  }
  const onResync = () => {
    attention.refresh()
    feed.whenLive(query.resync)
  }

  // Under the review filter, a review opened, assigned or resolved changes which conversations
  // belong: the list is read again and replaced (a resync would keep the cards that left).
  const openReviews = useOpenReviews()
  const reviewsSeen = useRef(openReviews)
  const { whenLive } = feed
  const { replace } = query
  useEffect(() => {
    if (reviewsSeen.current === openReviews) return
    reviewsSeen.current = openReviews
    if (filters.review) whenLive(() => replace('Refreshing failed'))
  }, [filters.review, openReviews, replace, whenLive])

  const { presence, onPresence } = useListedPresence(
    api,
    [...state.pending, ...state.cards].map((card) => card.conversationId),
    presenceHeartbeatMs,
    fail('Reading who is viewing failed'),
  )
  const status = useRealtime({ onChange, onResync, onPresence })

  const showPending = () => {
    dispatch({ type: 'showPending' })
    topRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' })
  }
  const toggleAttention = () => setFilters((current) => ({ ...current, attention: !current.attention }))
  const shortcutsHelp = useBoardKeyboard({
    showPending,
    togglePause: feed.togglePause,
    toggleAttention,
    focusSearch: () => searchRef.current?.focus(),
  })

  const filtered = isFiltered(filters)
  return (
    <div className="billie-live">
      <BoardHeader
        filtered={filtered}
        heldCount={feed.heldCount}
        onTogglePause={feed.togglePause}
        paused={feed.paused}
        status={status}
        totalDocs={state.totalDocs}
      />
      <BoardToolbar attentionCount={attention.count} board={board} onError={setError} searchRef={searchRef} />
      <RetryBanner error={query.error} onRetry={() => (setError(null), onResync())} />
      {feed.paused && <PausedNotice heldCount={feed.heldCount} />}
      {shortcutsHelp}

      <div className="billie-live__top" ref={topRef} />
      <CardList
        error={query.error}
        filtered={filtered}
        filters={filters}
        hrefOf={(conversationId) => formatAdminURL({ adminRoute, path: `/live/${encodeURIComponent(conversationId)}` })}
        loading={query.loading}
        now={now}
        onLoadMore={query.loadMore}
        onShowPending={showPending}
        presence={presence}
        state={state}
        thresholds={thresholds}
      />
    </div>
  )
}
