import type { PayloadRequest } from 'payload'

import { publishMessages } from './changeFeed'
import { type FeedDocument, messageOfDocument } from './messageOfDocument'
import { isFeedCollection, type Operation } from '@/projections/changes'
import { feedCommands } from './shared'

/**
 * How long a write waits for its XADD: enough for the change to be in the feed when the write
 * returns (under a millisecond normally), short enough not to hold the write's transaction
 * (and SQLite's write lock) through a Redis outage.
 */
const PUBLISH_WAIT_MS = 250

/**
 * Publishes a document written outside the worker. Never fails the write and holds it up at
 * most PUBLISH_WAIT_MS: while Redis is unreachable the XADD stays queued in ioredis and is sent
 * once it is back; any failure is logged. Hooks run before the surrounding transaction commits
 * (Payload has no after-commit hook), so a write rolled back later has been announced anyway:
 * a message is a hint to refresh a card, the database stays the truth.
 */
export async function publishDocument(
  collection: string,
  doc: { id: number | string },
  operation: Operation,
  req: PayloadRequest,
): Promise<void> {
  const log = req.payload.logger
  const failed = (what: string) => (error: unknown) =>
    log.warn({ collection, id: doc.id, err: error instanceof Error ? error.message : String(error) }, what)
  if (!isFeedCollection(collection)) return
  try {
    // A hook's document is the collection's, as Payload's generated types describe it.
    const message = await messageOfDocument(collection, doc as FeedDocument<typeof collection>, operation, req)
    const published = publishMessages(feedCommands(log), [message]).catch(failed('change feed publish failed'))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([published, new Promise((resolve) => (timer = setTimeout(resolve, PUBLISH_WAIT_MS)))])
    clearTimeout(timer)
  } catch (error) {
    failed('change feed message failed')(error)
  }
}
