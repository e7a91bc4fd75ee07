'use client'
import { Button } from '@payloadcms/ui'
import React, { useEffect, useRef } from 'react'

import type { AttentionThresholds } from '@/attention/rules'
import type { ListFilters } from '@/board/types'

import { type PresenceMap, presentAt } from '../shared/presence'
import { ConversationCard } from './ConversationCard.client'
import type { ListState } from './listState'

/** What the board says when it lists nothing. */
function emptyText(filters: ListFilters, filtered: boolean): string {
  if (!filtered) return 'No conversations yet: they appear here as soon as a chat starts.'
  return filters.attention && !filters.search.trim() && !filters.status
    ? 'Nothing needs attention right now.'
    : 'No conversations match. Try fewer words or another status.'
}

/**
 * The cards: new ones waiting behind the "N new" pill, the grid, and below it the next page,
 * read before the reader gets there (a sentinel on screen, or the "Load more" button).
 */
export function CardList({
  state,
  loading,
  error,
  filters,
  filtered,
  now,
  thresholds,
  presence,
  hrefOf,
  onShowPending,
  onLoadMore,
}: {
  state: ListState
  loading: 'more' | 'filter' | null
  error: string | null
  filters: ListFilters
  filtered: boolean
  now: number
  thresholds: AttentionThresholds
  presence: PresenceMap
  hrefOf: (conversationId: string) => string
  onShowPending: () => void
  onLoadMore: () => void
}) {
  const sentinelRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const sentinel = sentinelRef.current
    if (!sentinel || !state.next || loading || error) return
    const observer = new IntersectionObserver(
      (entries) => entries.some((entry) => entry.isIntersecting) && onLoadMore(),
      { rootMargin: '600px 0px' },
    )
    observer.observe(sentinel)
    return () => observer.disconnect()
  }, [state.next, state.cards.length, loading, error, onLoadMore])

  return (
    <>
      {state.pending.length > 0 && (
        <div className="billie-live__pending">
          <button className="billie-new-pill" onClick={onShowPending} type="button">
            ↑ {state.pending.length} new
          </button>
        </div>
      )}

      {state.cards.length === 0 && !loading ? (
        <p className="billie-live__empty">{emptyText(filters, filtered)}</p>
      ) : (
        <ul
          aria-busy={loading === 'filter'}
          className={`billie-live__grid${loading === 'filter' ? ' billie-live__grid--loading' : ''}`}
        >
          {state.cards.map((card) => (
            <li key={card.id}>
              <ConversationCard
                card={card}
                href={hrefOf(card.conversationId)}
                now={now}
                thresholds={thresholds}
                viewers={presentAt(presence, card.conversationId, now)}
              />
            </li>
          ))}
        </ul>
      )}

      <div className="billie-live__more" ref={sentinelRef}>
        {state.next ? (
          <Button buttonStyle="secondary" disabled={loading !== null} onClick={onLoadMore} size="small">
            {loading === 'more' ? 'Loading…' : 'Load more'}
          </Button>
        ) : (
          state.cards.length > 0 && (
            <span className="billie-live__end">That is every conversation{filtered ? ' that matches' : ''}.</span>
          )
        )}
      </div>
    </>
  )
}
