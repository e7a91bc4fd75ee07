'use client'
import { Link, useConfig } from '@payloadcms/ui'
import type { Where } from 'payload'
import { formatAdminURL } from 'payload/shared'
import React, { useCallback, useEffect, useState } from 'react'

import { ConnectionIndicator } from '../shared/ConnectionIndicator.client'
import { REVIEW_FILTERS, type ReviewFilter, reviewsWhere } from '@/board/reviewFilter'
import { useGathered, useLatest } from '../shared/hooks'
import { LocalTime } from '../shared/LocalTime.client'
import { RetryBanner } from '../shared/RetryBanner.client'
import { useRealtime } from '../shared/useRealtime'
import { callApi, type Review } from './types'

export type QueueTab = ReviewFilter

type Counts = Record<QueueTab, number>

/** The open reviews as a table, newest change first; any review change re-reads it (gathered). */
export function ReviewQueue({ initialTab, userId }: { initialTab: QueueTab; userId: number | string }) {
  const {
    config: {
      routes: { admin: adminRoute, api },
    },
  } = useConfig()
  const [tab, setTab] = useState<QueueTab>(initialTab)
  const [reviews, setReviews] = useState<Review[] | null>(null)
  const [counts, setCounts] = useState<Counts | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const tabRef = useLatest(tab)

  const load = useCallback(() => {
    const current = tabRef.current
    const query = (where: Where, limit: number) =>
      callApi<{ docs: Review[]; totalDocs: number }>(
        `${api}/reviews?where=${encodeURIComponent(JSON.stringify(where))}&depth=0&limit=${limit}&sort=-updatedAt`,
      )
    Promise.all([
      query(reviewsWhere(current, userId), 200),
      ...REVIEW_FILTERS.map(({ value }) => query(reviewsWhere(value, userId), 1)),
    ])
      .then(([list, ...totals]) => {
        if (tabRef.current !== current) return
        setReviews(list!.docs)
        setCounts({ mine: totals[0]!.totalDocs, unassigned: totals[1]!.totalDocs, all: totals[2]!.totalDocs })
        setError(null)
      })
      .catch((cause: Error) => setError(cause))
  }, [api, tabRef, userId])

  useEffect(() => {
    load()
    const params = new URLSearchParams(window.location.search)
    params.set('show', tab)
    window.history.replaceState(window.history.state, '', `${window.location.pathname}?${params}`)
  }, [tab, load])

  const reloadSoon = useGathered<void>(() => load())
  const status = useRealtime({ onChange: () => reloadSoon(), onResync: load }, '?collection=reviews')

  return (
    <div className="billie-queue">
      <header className="billie-queue__header">
        <h1>Review queue</h1>
        <ConnectionIndicator status={status} />
      </header>
      <div aria-label="Which reviews" className="billie-status-filter" role="group">
        {REVIEW_FILTERS.map((option) => (
          <button
            aria-pressed={tab === option.value}
            className="billie-status-filter__option"
            key={option.value}
            onClick={() => setTab(option.value)}
            type="button"
          >
            {option.label}
            {counts && <span className="billie-queue__count"> {counts[option.value]}</span>}
          </button>
        ))}
      </div>
      <RetryBanner error={error ? `Reading reviews failed: ${error.message}` : null} onRetry={load} />
      {reviews && reviews.length === 0 ? (
        <p className="billie-queue__empty">
          {tab === 'mine'
            ? 'Nothing assigned to you.'
            : tab === 'unassigned'
              ? 'Every open review has someone.'
              : 'No open reviews.'}
        </p>
      ) : (
        <div className="billie-queue__table-wrap">
          <table className="billie-queue__table">
            <thead>
              <tr>
                <th scope="col">Conversation</th>
                <th scope="col">Reason</th>
                <th scope="col">Flagged by</th>
                <th scope="col">Assigned to</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {(reviews ?? []).map((review) => (
                <tr data-conversation-id={review.conversationId} key={review.id}>
                  <td>
                    <Link
                      className="billie-mono"
                      href={formatAdminURL({ adminRoute, path: `/live/${encodeURIComponent(review.conversationId)}` })}
                      prefetch={false}
                    >
                      {review.conversationId}
                    </Link>
                  </td>
                  <td className="billie-queue__reason">{review.reason}</td>
                  <td>{review.flaggedByName ?? '—'}</td>
                  <td>{review.assigneeName ?? 'Unassigned'}</td>
                  <td>{review.updatedAt ? <LocalTime iso={review.updatedAt} /> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
