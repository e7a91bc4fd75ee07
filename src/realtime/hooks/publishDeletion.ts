import type { CollectionAfterDeleteHook } from 'payload'

import { publishDocument } from '../publishDocument'

/** Publishes a deletion made outside the worker to the change feed (see publishChange). */
export const publishDeletion: CollectionAfterDeleteHook = async ({ collection, doc, req }) => {
  if (req.context.source !== 'worker') await publishDocument(collection.slug, doc, 'delete', req)
  return doc
}
