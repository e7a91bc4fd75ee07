'use client'
import { Button, SearchIcon, useConfig } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import React, { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react'

import type { AttentionThresholds } from '@/attention/rules'

import {
  type AttentionJudge,
  applicationMarkers,
  countAttention,
  filtersToParams,
  isFiltered,
  loadCards,
  sameId,
} from '@/board/cards'
import { ConnectionIndicator } from '../shared/ConnectionIndicator.client'
import { restFinder } from '@/board/finder'
import { plural } from '@/lib/format'
import type { ChangeMessage } from '@/projections/changes'
import { CONVERSATION_STATUSES } from '@/projections/dashboard/statuses'

import type { CardPage, ListFilters } from '@/board/types'
import { useGathered, useLatest, useNow } from '../shared/hooks'
import { presentAt, usePresenceMap } from '../shared/presence'
import { useRealtime } from '../shared/useRealtime'
import { RetryBanner } from '../shared/RetryBanner.client'
import { type Shortcut, useShortcuts } from '../shared/Shortcuts.client'
import { ConversationCard } from './ConversationCard.client'
import { initialListState, isKnown, type ListAction, listReducer } from './listState'
import { sameFilters, type ViewSummary } from './savedViews'
import { SavedViewsMenu } from './SavedViewsMenu.client'
import { BoardCsvLink } from '../export/ExportLinks.client'
import { useOpenReviews } from '../reviews/openReviews'
import { isReviewFilter, REVIEW_FILTERS } from '@/board/reviewFilter'

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

const SEARCH_DEBOUNCE_MS = 300
/** Time-based rules (idle, stuck, soft end) change with the clock alone: the count is re-read this often. */
export const ATTENTION_REFRESH_MS = 15_000
/** Change messages come in bursts: the count is re-read once per burst. */
const COUNT_GATHER_MS = 1_000

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
  const [attentionCount, setAttentionCount] = useState(initialAttentionCount)
  const [state, dispatch] = useReducer(listReducer, initial, initialListState)
  const [filters, setFilters] = useState(initialFilters)
  const [searchText, setSearchText] = useState(initialFilters.search)
  const [openedView, setOpenedView] = useState<ViewSummary | null>(initialView)
  // The view stays named while its filters are on the board; any change makes them unsaved filters.
  const view = openedView && sameFilters(openedView.filters, filters) ? openedView : null
  const openView = useCallback((next: ViewSummary) => {
    setOpenedView(next)
    setSearchText(next.filters.search)
    setFilters(next.filters)
  }, [])
  const [loading, setLoading] = useState<'more' | 'filter' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const showError = useCallback((message: string) => setError(message), [])
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

  // The URL says what the board shows: the filters, and the saved view while they are its own.
  const viewId = view?.id
  useEffect(() => {
    const params = filtersToParams(filters)
    if (viewId !== undefined) params.set('view', String(viewId))
    const query = params.toString()
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${query ? `?${query}` : ''}`)
  }, [filters, viewId])

  const firstFilters = useRef(true)
  useEffect(() => {
    if (firstFilters.current) {
      firstFilters.current = false
      return
    }

    const mine = ++generation.current
    setLoading('filter')
    setError(null)
    loadCards(finder, filters, null, undefined, judge, userId)
      .then((result) => mine === generation.current && dispatch({ type: 'replace', result }))
      .catch((cause) => mine === generation.current && fail('Searching failed')(cause))
      .finally(() => mine === generation.current && setLoading(null))
  }, [filters, finder, judge, userId])

  const loadMore = useCallback(() => {
    const current = stateRef.current
    if (loadingMore.current || !current.next) return
    loadingMore.current = true
    const mine = generation.current
    setLoading('more')
    loadCards(finder, filtersRef.current, current.next, undefined, judge, userId)
      .then((result) => mine === generation.current && dispatch({ type: 'append', result }))
      .catch(fail('Loading more conversations failed'))
      .finally(() => {
        loadingMore.current = false
        if (mine === generation.current) setLoading(null)
      })
  }, [finder, filtersRef, judge, stateRef, userId])

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
    loadCards(finder, filtersRef.current, null, { id: { in: ids } }, judge, userId)
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

  const refreshCount = useGathered(() => {
    countAttention(finder, judge)
      .then(setAttentionCount)
      .catch(fail('Counting the conversations that need attention failed'))
  }, COUNT_GATHER_MS)

  /** Applies change messages to the list: one reducer step for all of them, reads for what is not listed. */
  const applyChanges = useCallback(
    (changes: ChangeMessage[]) => {
      const current = stateRef.current
      const listed = (match: (card: (typeof current.cards)[number]) => boolean) =>
        current.cards.some(match) || current.pending.some(match)
      const actions: ListAction[] = []
      for (const change of changes) {
        switch (change.collection) {
          case 'conversations':
            if (change.operation === 'delete') actions.push({ type: 'remove', id: change.id })
            else if (isKnown(current, change.id))
              actions.push({ type: 'patch', id: change.id, doc: change.doc, version: change.version })
            else fetchArrivals(String(change.id))
            break
          case 'utterances': {
            if (change.operation === 'delete') break
            const { conversation, seq, username, utterance, timestamp } = change.doc
            actions.push({ type: 'line', conversation, line: { seq, username, utterance, timestamp } })
            break
          }
          case 'applications':
            if (listed((card) => sameId(card.application, change.id))) fetchMarkers(String(change.id))
            break
          case 'customers':
            if (change.doc.fullName) actions.push({ type: 'customer', id: change.id, fullName: change.doc.fullName })
            break
        }
      }
      if (actions.length === 1) dispatch(actions[0]!)
      else if (actions.length > 1) dispatch({ type: 'batch', actions })
    },
    [fetchArrivals, fetchMarkers, stateRef],
  )

  // Pause: while paused, changes gather here (the count shows how many) and apply in one step on resume.
  const [paused, setPaused] = useState(false)
  const [heldCount, setHeldCount] = useState(0)
  const held = useRef<{ changes: ChangeMessage[]; resync: boolean }>({ changes: [], resync: false })
  const pausedRef = useLatest(paused)

  const onChange = useCallback(
    (change: ChangeMessage) => {
      if (change.collection === 'conversations') refreshCount()
      if (pausedRef.current) {
        held.current.changes.push(change)
        setHeldCount(held.current.changes.length)
        return
      }
      applyChanges([change])
    },
    [applyChanges, pausedRef, refreshCount],
  )

  const onResync = useCallback(() => {
    refreshCount()
    if (pausedRef.current) {
      held.current.resync = true
      return
    }
    const mine = generation.current
    loadCards(finder, filtersRef.current, null, undefined, judge, userId)
      .then((result) => mine === generation.current && dispatch({ type: 'resync', result, atTop: atTop() }))
      .catch(fail('Refreshing failed'))
  }, [filtersRef, finder, judge, pausedRef, refreshCount, userId])

  // Under the review filter, a review opened, assigned or resolved changes which conversations
  // belong: the list is read again and replaced (a resync would keep the cards that left). It is a
  // newer question than any read in flight (one from a filter change may have read the review
  // before it changed): those answers are dropped.
  const replaceList = useCallback(() => {
    const mine = ++generation.current
    loadCards(finder, filtersRef.current, null, undefined, judge, userId)
      .then((result) => mine === generation.current && dispatch({ type: 'replace', result }))
      .catch((cause) => mine === generation.current && fail('Refreshing failed')(cause))
      .finally(() => mine === generation.current && setLoading(null))
  }, [filtersRef, finder, judge, userId])

  const resume = useCallback(() => {
    const { changes, resync } = held.current
    held.current = { changes: [], resync: false }
    setPaused(false)
    setHeldCount(0)
    pausedRef.current = false
    applyChanges(changes)
    if (resync) (filtersRef.current.review ? replaceList : onResync)()
  }, [applyChanges, filtersRef, onResync, pausedRef, replaceList])
  const togglePause = useCallback(() => (pausedRef.current ? resume() : setPaused(true)), [pausedRef, resume])

  const openReviews = useOpenReviews()
  const reviewsSeen = useRef(openReviews)
  useEffect(() => {
    if (reviewsSeen.current === openReviews) return
    reviewsSeen.current = openReviews
    if (!filtersRef.current.review) return
    if (pausedRef.current) held.current.resync = true
    else replaceList()
  }, [filtersRef, openReviews, pausedRef, replaceList])

  // The clock moves conversations across time-based thresholds without any change message.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'hidden') return
      refreshCount()
      if (filtersRef.current.attention) onResync()
    }, ATTENTION_REFRESH_MS)
    return () => clearInterval(timer)
  }, [filtersRef, onResync, refreshCount])

  // Who is viewing each listed conversation: read for the cards shown, and again every heartbeat
  // interval (renewals are not announced); the feed's presence events say at once who comes and goes.
  const { presence, apply: onPresence, load: loadPresence } = usePresenceMap()
  const listedIds = [...state.pending, ...state.cards]
    .map((card) => card.conversationId)
    .slice(0, 200)
    .join(',')
  useEffect(() => {
    const ids = listedIds ? listedIds.split(',') : []
    loadPresence(api, ids).catch(fail('Reading who is viewing failed'))
    const timer = setInterval(() => {
      // A missed re-read is made good by the next; presence is a courtesy, never an error to show.
      if (document.visibilityState !== 'hidden') loadPresence(api, ids).catch(() => undefined)
    }, presenceHeartbeatMs)
    return () => clearInterval(timer)
  }, [api, listedIds, loadPresence, presenceHeartbeatMs])

  const status = useRealtime({ onChange, onResync, onPresence })

  const showPending = () => {
    dispatch({ type: 'showPending' })
    topRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' })
  }

  // Keyboard: the cards are links, so a focused card opens with Enter as any link does.
  const searchRef = useRef<HTMLInputElement>(null)
  const cardLinks = () => Array.from(document.querySelectorAll<HTMLElement>('.billie-live__grid .billie-card'))
  const moveFocus = (step: (at: number, links: HTMLElement[]) => number) => {
    const links = cardLinks()
    if (links.length === 0) return
    const at = links.indexOf(document.activeElement as HTMLElement)
    const next = links[Math.min(links.length - 1, Math.max(0, at === -1 ? 0 : step(at, links)))]!
    next.focus()
    next.scrollIntoView({ block: 'nearest' })
  }
  /** Cards per row: those on the first card's line. */
  const columns = (links: HTMLElement[]) => links.filter((link) => link.offsetTop === links[0]!.offsetTop).length || 1
  const jumpToLatest = () => {
    showPending()
    window.scrollTo({ top: 0 })
    cardLinks()[0]?.focus({ preventScroll: true })
  }
  const shortcuts: Shortcut[] = [
    { keys: ['j', 'ArrowRight'], label: 'Next card', run: () => moveFocus((at) => at + 1) },
    { keys: ['k', 'ArrowLeft'], label: 'Previous card', run: () => moveFocus((at) => at - 1) },
    { keys: ['ArrowDown'], label: 'Card below', run: () => moveFocus((at, links) => at + columns(links)) },
    { keys: ['ArrowUp'], label: 'Card above', run: () => moveFocus((at, links) => at - columns(links)) },
    {
      keys: ['Enter', 'o'],
      label: 'Open the selected conversation',
      // Enter elsewhere (a button, a link) keeps its own meaning.
      when: () => cardLinks().includes(document.activeElement as HTMLElement),
      run: () => (document.activeElement as HTMLElement).click(),
    },
    { keys: ['g', 'Home'], label: 'Jump to the latest conversations', run: jumpToLatest },
    { keys: ['p'], label: 'Pause or resume live updates', run: togglePause },
    {
      keys: ['a'],
      label: 'Needs attention only, or all',
      run: () => setFilters((current) => ({ ...current, attention: !current.attention })),
    },
    { keys: ['/'], label: 'Search', run: () => searchRef.current?.focus() },
  ]
  const shortcutsHelp = useShortcuts(shortcuts, 'Live conversations: keyboard shortcuts')

  const hrefOf = (conversationId: string) =>
    formatAdminURL({ adminRoute, path: `/live/${encodeURIComponent(conversationId)}` })
  const filtered = isFiltered(filters)

  return (
    <div className="billie-live">
      <header className="billie-live__header">
        <div className="billie-live__title">
          <h1>Live conversations</h1>
          <ConnectionIndicator status={status} />
          <Button
            aria-pressed={paused}
            buttonStyle={paused ? 'primary' : 'secondary'}
            className="billie-live__pause"
            margin={false}
            onClick={togglePause}
            size="small"
            tooltip={paused ? 'Apply what arrived and follow live again (p)' : 'Hold live updates while you read (p)'}
          >
            {paused ? `Resume${heldCount ? ` · ${plural(heldCount, 'update')}` : ''}` : 'Pause'}
          </Button>
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
            ref={searchRef}
            type="search"
            value={searchText}
          />
        </label>
        <SavedViewsMenu current={view} filters={filters} onError={showError} onOpen={openView} />
        <div className="billie-live__filters">
          <button
            aria-pressed={Boolean(filters.attention)}
            className="billie-attention-filter"
            data-count={attentionCount}
            onClick={() => setFilters((current) => ({ ...current, attention: !current.attention }))}
            title="Conversations that need a human now (thresholds are set by the administrator)"
            type="button"
          >
            Needs attention <span className="billie-attention-filter__count">{attentionCount}</span>
          </button>
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
          <label className="billie-review-filter">
            <span>Review</span>
            <select
              onChange={(event) =>
                setFilters((current) => ({
                  ...current,
                  review: isReviewFilter(event.target.value) ? event.target.value : null,
                }))
              }
              value={filters.review ?? ''}
            >
              <option value="">Any</option>
              {REVIEW_FILTERS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <BoardCsvLink filters={Object.fromEntries(filtersToParams(filters))} />
      </div>

      <RetryBanner error={error} onRetry={() => (setError(null), onResync())} />
      {paused && (
        <div className="billie-live__paused" data-held={heldCount} role="status">
          Live updates paused
          {heldCount > 0 ? `: ${plural(heldCount, 'update')} waiting` : ''}. They apply all at once when you resume.
        </div>
      )}
      {shortcutsHelp}

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
            ? filters.attention && !filters.search.trim() && !filters.status
              ? 'Nothing needs attention right now.'
              : 'No conversations match. Try fewer words or another status.'
            : 'No conversations yet: they appear here as soon as a chat starts.'}
        </p>
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
