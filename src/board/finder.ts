import type { Where } from 'payload'

import type { FeedCollection } from '@/projections/changes'

/** The collections the dashboard reads: those the change feed announces. */
export type ReadSlug = FeedCollection

export type FindArgs = {
  where?: Where
  sort?: string[]
  limit?: number
  page?: number
  /** Fields to return (include mode); join fields left out are not computed. */
  select?: Record<string, true>
}

export type FindResult<T> = { docs: T[]; totalDocs: number; hasNextPage: boolean; page?: number }

/**
 * One way to read, two transports: the Local API on the server (with the user's access) and
 * the REST API in the browser (the session cookie, so the same access). The loaders that build
 * cards and transcripts take a Finder and do not care which.
 */
export type Finder = <T>(collection: ReadSlug, args: FindArgs) => Promise<FindResult<T>>

/**
 * The REST query string for `args`. `where` travels as JSON (Payload parses a string `where`
 * with JSON.parse), which keeps nested `or`/`and` readable and short.
 */
export function restSearch(args: FindArgs): string {
  const params = new URLSearchParams({ depth: '0' })
  if (args.where) params.set('where', JSON.stringify(args.where))
  if (args.sort?.length) params.set('sort', args.sort.join(','))
  if (args.limit !== undefined) params.set('limit', String(args.limit))
  if (args.page !== undefined) params.set('page', String(args.page))
  for (const field of Object.keys(args.select ?? {})) params.set(`select[${field}]`, 'true')
  return params.toString()
}

/** Reads through the REST API as the logged-in user (browser only). */
export const restFinder =
  (apiRoute: string): Finder =>
  async <T>(collection: ReadSlug, args: FindArgs): Promise<FindResult<T>> => {
    const response = await fetch(`${apiRoute}/${collection}?${restSearch(args)}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
    if (!response.ok)
      throw new Error(`Reading ${collection} failed (${response.status}); check that you are still logged in.`)
    return (await response.json()) as FindResult<T>
  }
