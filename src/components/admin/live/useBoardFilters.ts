'use client'
import { useCallback, useEffect, useState } from 'react'

import { filtersToParams } from '@/board/cards'
import type { ListFilters } from '@/board/types'

import { sameFilters, type ViewSummary } from './savedViews'

const SEARCH_DEBOUNCE_MS = 300

export type BoardFilters = {
  filters: ListFilters
  setFilters: (update: (current: ListFilters) => ListFilters) => void
  /** What the search box shows: it becomes the filters' search once typing pauses. */
  searchText: string
  setSearchText: (text: string) => void
  /** The saved view on the board while its filters are, else null. */
  view: ViewSummary | null
  openView: (view: ViewSummary) => void
}

/**
 * The board's filters, as the URL carries them (so a reload or a shared link keeps them): the
 * search box debounced, and the saved view they came from while they are still its own.
 */
export function useBoardFilters(initialFilters: ListFilters, initialView: ViewSummary | null): BoardFilters {
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

  useEffect(() => {
    const timer = setTimeout(
      () => setFilters((current) => (current.search === searchText ? current : { ...current, search: searchText })),
      SEARCH_DEBOUNCE_MS,
    )
    return () => clearTimeout(timer)
  }, [searchText])

  const viewId = view?.id
  useEffect(() => {
    const params = filtersToParams(filters)
    if (viewId !== undefined) params.set('view', String(viewId))
    const query = params.toString()
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${query ? `?${query}` : ''}`)
  }, [filters, viewId])

  return { filters, setFilters, searchText, setSearchText, view, openView }
}
