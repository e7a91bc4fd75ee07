'use client'
import { SearchIcon } from '@payloadcms/ui'
import React, { type RefObject } from 'react'

import { filtersToParams } from '@/board/cards'
import { isReviewFilter, REVIEW_FILTERS } from '@/board/reviewFilter'
import { CONVERSATION_STATUSES } from '@/projections/dashboard/statuses'

import { BoardCsvLink } from '../export/ExportLinks.client'
import { SavedViewsMenu } from './SavedViewsMenu.client'
import type { BoardFilters } from './useBoardFilters'

/** Search, saved views, the filters (attention, status, review) and the CSV of what the board shows. */
export function BoardToolbar({
  board: { filters, setFilters, searchText, setSearchText, view, openView },
  attentionCount,
  searchRef,
  onError,
}: {
  board: BoardFilters
  attentionCount: number
  searchRef: RefObject<HTMLInputElement | null>
  onError: (message: string) => void
}) {
  return (
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
      <SavedViewsMenu current={view} filters={filters} onError={onError} onOpen={openView} />
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
  )
}
