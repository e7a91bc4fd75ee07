import type { CollectionAfterChangeHook } from 'payload'

import { publishDocument } from '../publishDocument'

/**
 * Publishes a change made outside the worker (Local API with hooks, REST, GraphQL) to the
 * change feed. The worker writes through `payload.db`, which runs no hooks, and publishes its
 * own batches (runWorker's onCommitted); `context.source === 'worker'` skips it here should a
 * worker write ever go through the Local API.
 */
export const publishChange: CollectionAfterChangeHook = async ({ collection, doc, operation, req }) => {
  if (req.context.source !== 'worker') await publishDocument(collection.slug, doc, operation, req)
  return doc
}
