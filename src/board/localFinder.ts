import type { PayloadRequest } from 'payload'

import type { FindArgs, Finder, FindResult, ReadSlug } from './finder'

/**
 * Reads through the Local API on behalf of the request's user: `overrideAccess: false` and the
 * user, so a custom view never sees more than the REST API would show the same person.
 */
export const localFinder =
  (req: PayloadRequest): Finder =>
  async <T>(collection: ReadSlug, args: FindArgs): Promise<FindResult<T>> => {
    const result = await req.payload.find({
      collection,
      where: args.where,
      sort: args.sort,
      limit: args.limit,
      page: args.page,
      select: args.select,
      depth: 0,
      overrideAccess: false,
      user: req.user,
      req,
    })
    return result as unknown as FindResult<T>
  }
