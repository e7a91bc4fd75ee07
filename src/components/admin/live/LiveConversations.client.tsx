'use client'
import { Button, SearchIcon, useConfig } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import React, { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react'

import { applicationMarkers, loadCards, sameId } from '../shared/cards'
import { ConnectionIndicator } from '../shared/ConnectionIndicator.client'
import { restFinder } from '../shared/finder'
import { plural } from '../shared/format'
import { CONVERSATION_STATUSES } from '@/projections/dashboard/statuses'

import type { CardPage, ListFilters, RecordId } from '../shared/types'
import { useGathered, useLatest, useNow } from '../shared/hooks'
import { type RealtimeChange, useRealtime } from '../shared/useRealtime'
import { RetryBanner } from '../shared/RetryBanner.client'
import { ConversationCard } from './ConversationCard.client'
import { initialListState, isKnown, listReducer } from './listState'
import { BoardCsvLink } from '../export/ExportLinks.client'

type Props = { initial: CardPage; initialFilters: ListFilters; renderedAt: number }

const SEARCH_DEBOUNCE_MS = 300

export function LiveConversations({ initial, initialFilters, renderedAt }: Props) {
  const {
    config: {
      routes: { admin: adminRoute, api },
    },
  } = useConfig()
  const finder = useMemo(() => restFinder(api), [api])
  const [state, dispatch] = useReducer(listReducer, initial, initialListState)
  const [filters, setFilters] = useState(initialFilters)
  const [searchText, setSearchText] = useState(initialFilters.search)
  const [loading, setLoading] = useState<'more' | 'filter' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const now = useNow(renderedAt)

  const stateRef = useLatest(state)
  const filtersRef = useLatest(filters)
  /** Bumped whenever the filters change: answers to older queries are dropped. */
  const generation = useRef(0)
  const loadingMore = useRef(false)
  const topRef = useRef<HTMLDivElement>(null)
  const sentinelRef = useRef<HTMLDivElement>(null)

  /** Whether the top of the list is on screen: only then do new cards go straight in. */
  const atTop = () => {
    const top = topRef.current?.getBoundingClientRect().top
    return top === undefined || top >= 0
  }

  const fail = (what: string) => (cause: unknown) =>
    setError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`)

  // Filters: the search box is debounced; both go into the URL so a reload or a shared link keeps them.
  useEffect(() => {
    const timer = setTimeout(
      () => setFilters((current) => (current.search === searchText ? current : { ...current, search: searchText })),
      SEARCH_DEBOUNCE_MS,
    )
    return () => clearTimeout(timer)
  }, [searchText])

  const firstFilters = useRef(true)
  useEffect(() => {
    if (firstFilters.current) {
      firstFilters.current = false
      return
    }
    const params = new URLSearchParams(window.location.search)
    for (const [key, value] of [
      ['q', filters.search.trim()],
      ['status', filters.status ?? ''],
    ] as const) {
      if (value) params.set(key, value)
      else params.delete(key)
    }
    const query = params.toString()
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${query ? `?${query}` : ''}`)

    const mine = ++generation.current
    setLoading('filter')
    setError(null)
    loadCards(finder, filters)
      .then((result) => mine === generation.current && dispatch({ type: 'replace', result }))
      .catch((cause) => mine === generation.current && fail('Searching failed')(cause))
      .finally(() => mine === generation.current && setLoading(null))
  }, [filters, finder])

  const loadMore = useCallback(() => {
    const current = stateRef.current
    if (loadingMore.current || !current.next) return
    loadingMore.current = true
    const mine = generation.current
    setLoading('more')
    loadCards(finder, filtersRef.current, current.next)
      .then((result) => mine === generation.current && dispatch({ type: 'append', result }))
      .catch(fail('Loading more conversations failed'))
      .finally(() => {
        loadingMore.current = false
        if (mine === generation.current) setLoading(null)
      })
  }, [finder, filtersRef, stateRef])

  // Infinite scroll: a sentinel below the grid loads the next page before the reader gets there.
  useEffect(() => {
    const sentinel = sentinelRef.current
    if (!sentinel || !state.next || loading || error) return
    const observer = new IntersectionObserver(
      (entries) => entries.some((entry) => entry.isIntersecting) && loadMore(),
      { rootMargin: '600px 0px' },
    )
    observer.observe(sentinel)
    return () => observer.disconnect()
  }, [state.next, state.cards.length, loading, error, loadMore])

  // Live: conversations the list does not show yet are read (with the filters, server-side) and arrive at the top.
  const fetchArrivals = useGathered<string>((ids) => {
    const mine = generation.current
    loadCards(finder, filtersRef.current, null, { id: { in: ids } })
      .then(
        (result) => mine === generation.current && dispatch({ type: 'arrive', cards: result.cards, atTop: atTop() }),
      )
      .catch(fail('Reading a new conversation failed'))
  })
  const fetchMarkers = useGathered<string>((ids) => {
    applicationMarkers(finder, ids)
      .then((markers) => dispatch({ type: 'markers', markers }))
      .catch(fail('Reading risk markers failed'))
  })

  const onChange = useCallback(
    (change: RealtimeChange) => {
      const current = stateRef.current
      const listed = (match: (card: (typeof current.cards)[number]) => boolean) =>
        current.cards.some(match) || current.pending.some(match)
      switch (change.collection) {
        case 'conversations':
          if (change.operation === 'delete') dispatch({ type: 'remove', id: change.id })
          else if (isKnown(current, change.id))
            dispatch({ type: 'patch', id: change.id, doc: change.doc, version: change.version })
          else fetchArrivals(String(change.id))
          return
        case 'utterances': {
          const conversation = change.doc.conversation as RecordId | undefined
          const { username, utterance, timestamp } = change.doc as {
            username?: 'customer' | 'assistant'
            utterance?: string | null
            timestamp?: string
          }
          if (conversation !== undefined && username && timestamp)
            dispatch({ type: 'line', conversation, line: { username, utterance: utterance ?? null, timestamp } })
          return
        }
        case 'applications':
          if (listed((card) => sameId(card.application, change.id))) fetchMarkers(String(change.id))
          return
        case 'customers':
          if (typeof change.doc.fullName === 'string' && change.doc.fullName)
            dispatch({ type: 'customer', id: change.id, fullName: change.doc.fullName })
          return
      }
    },
    [fetchArrivals, fetchMarkers, stateRef],
  )

  const onResync = useCallback(() => {
    const mine = generation.current
    loadCards(finder, filtersRef.current)
      .then((result) => mine === generation.current && dispatch({ type: 'resync', result, atTop: atTop() }))
      .catch(fail('Refreshing failed'))
  }, [filtersRef, finder])

  const status = useRealtime({ onChange, onResync })

  const showPending = () => {
    dispatch({ type: 'showPending' })
    topRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' })
  }

  const hrefOf = (conversationId: string) =>
    formatAdminURL({ adminRoute, path: `/live/${encodeURIComponent(conversationId)}` })
  const filtered = Boolean(filters.search.trim() || filters.status)

  return (
    <div className="billie-live">
      <header className="billie-live__header">
        <div className="billie-live__title">
          <h1>Live conversations</h1>
          <ConnectionIndicator status={status} />
        </div>
        <p className="billie-live__count" data-total={state.totalDocs}>
          {filtered ? `${plural(state.totalDocs, 'conversation')} match` : plural(state.totalDocs, 'conversation')}
        </p>
      </header>

      <div className="billie-live__toolbar">
        <label className="billie-search">
          <SearchIcon />
          <input
            aria-label="Search by customer name or application number"
            className="billie-search__input"
            onChange={(event) => setSearchText(event.target.value)}
            placeholder="Search by customer name or application number"
            type="search"
            value={searchText}
          />
        </label>
        <div aria-label="Filter by status" className="billie-status-filter" role="group">
          {[{ value: null, label: 'All' }, ...CONVERSATION_STATUSES].map((option) => (
            <button
              aria-pressed={filters.status === option.value}
              className="billie-status-filter__option"
              key={option.value ?? 'all'}
              onClick={() => setFilters((current) => ({ ...current, status: option.value }))}
              type="button"
            >
              {option.label}
            </button>
          ))}
        </div>
        <BoardCsvLink filters={{ q: filters.search.trim(), status: filters.status }} />
      </div>

      <RetryBanner error={error} onRetry={() => (setError(null), onResync())} />

      <div className="billie-live__top" ref={topRef} />
      {state.pending.length > 0 && (
        <div className="billie-live__pending">
          <button className="billie-new-pill" onClick={showPending} type="button">
            ↑ {state.pending.length} new
          </button>
        </div>
      )}

      {state.cards.length === 0 && !loading ? (
        <p className="billie-live__empty">
          {filtered
            ? 'No conversations match. Try fewer words or another status.'
            : 'No conversations yet: they appear here as soon as a chat starts.'}
        </p>
      ) : (
        <ul
          aria-busy={loading === 'filter'}
          className={`billie-live__grid${loading === 'filter' ? ' billie-live__grid--loading' : ''}`}
        >
          {state.cards.map((card) => (
            <li key={card.id}>
              <ConversationCard card={card} href={hrefOf(card.conversationId)} now={now} />
            </li>
          ))}
        </ul>
      )}

      <div className="billie-live__more" ref={sentinelRef}>
        {state.next ? (
          <Button buttonStyle="secondary" disabled={loading !== null} onClick={loadMore} size="small">
            {loading === 'more' ? 'Loading…' : 'Load more'}
          </Button>
        ) : (
          state.cards.length > 0 && (
            <span className="billie-live__end">That is every conversation{filtered ? ' that matches' : ''}.</span>
          )
        )}
      </div>
    </div>
  )
}
