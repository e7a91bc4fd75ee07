/**
 * Saved views of the live board (the `saved-views` collection): read and written through the
 * REST API as the logged-in user, turned into the board's filters and back.
 */
import { isConversationStatus } from '@/projections/dashboard/statuses'
import type { SavedView } from '@/payload-types'

import { filtersToParams } from '@/board/cards'
import { isReviewFilter } from '@/board/reviewFilter'
import type { ListFilters } from '@/board/types'

export type ViewSummary = { id: number | string; name: string; shared: boolean; mine: boolean; filters: ListFilters }

export const viewFilters = (view: Pick<SavedView, 'filters'>): ListFilters => ({
  search: view.filters?.q ?? '',
  status: isConversationStatus(view.filters?.status) ? view.filters.status : null,
  attention: Boolean(view.filters?.attention),
  review: isReviewFilter(view.filters?.review) ? view.filters.review : null,
})

export const sameFilters = (a: ListFilters, b: ListFilters): boolean =>
  filtersToParams(a).toString() === filtersToParams(b).toString()

const ownerId = (owner: SavedView['owner']) => (typeof owner === 'object' && owner ? owner.id : owner)

export const summaryOf = (view: SavedView, userId: unknown): ViewSummary => ({
  id: view.id,
  name: view.name,
  shared: Boolean(view.shared),
  mine: userId !== undefined && String(ownerId(view.owner)) === String(userId),
  filters: viewFilters(view),
})

async function answer<T>(response: Response, what: string): Promise<T> {
  if (response.ok) return (await response.json()) as T
  const { errors, message } = (await response.json().catch(() => ({}))) as {
    errors?: Array<{ message?: string }>
    message?: string
  }
  throw new Error(`${what} failed (${response.status}): ${errors?.[0]?.message ?? message ?? response.statusText}`)
}

export async function listViews(api: string, userId: unknown): Promise<ViewSummary[]> {
  const response = await fetch(`${api}/saved-views?depth=0&limit=100&sort=name`, { credentials: 'same-origin' })
  const { docs } = await answer<{ docs: SavedView[] }>(response, 'Reading saved views')
  return docs.map((doc) => summaryOf(doc, userId))
}

export async function saveView(
  api: string,
  userId: unknown,
  { name, shared, filters }: { name: string; shared: boolean; filters: ListFilters },
): Promise<ViewSummary> {
  const response = await fetch(`${api}/saved-views?depth=0`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      shared,
      filters: {
        q: filters.search.trim() || null,
        status: filters.status,
        attention: Boolean(filters.attention),
        review: filters.review || null,
      },
    }),
  })
  const { doc } = await answer<{ doc: SavedView }>(response, 'Saving the view')
  return summaryOf(doc, userId)
}
