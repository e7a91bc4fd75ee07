/**
 * Which open reviews a list shows: the review queue's tabs, and the board's `review` filter
 * (`?review=all|mine|unassigned`: conversations with such an open review).
 */
import type { Where } from 'payload'

import type { Finder } from './finder'

export type ReviewFilter = 'mine' | 'unassigned' | 'all'

export const REVIEW_FILTERS: Array<{ value: ReviewFilter; label: string }> = [
  { value: 'mine', label: 'Assigned to me' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'all', label: 'All open' },
]

export const isReviewFilter = (value: unknown): value is ReviewFilter =>
  REVIEW_FILTERS.some((option) => option.value === value)

/** The reviews a filter admits, for the user `userId`. */
export function reviewsWhere(filter: ReviewFilter, userId: number | string): Where {
  const open: Where = { status: { equals: 'open' } }
  if (filter === 'mine') return { and: [open, { assignee: { equals: userId } }] }
  if (filter === 'unassigned') return { and: [open, { assignee: { exists: false } }] }
  return open
}

/** Open reviews are few (a queue people work through): this many at most narrow one list. */
const MOST_REVIEWED = 2_000

/** The conversations with an open review the filter admits, read as the user (their access applies). */
export async function reviewedConversations(
  finder: Finder,
  filter: ReviewFilter,
  userId: number | string,
): Promise<string[]> {
  const { docs } = await finder<{ conversationId: string }>('reviews', {
    where: reviewsWhere(filter, userId),
    limit: MOST_REVIEWED,
    select: { conversationId: true },
  })
  return [...new Set(docs.map((doc) => doc.conversationId))]
}
