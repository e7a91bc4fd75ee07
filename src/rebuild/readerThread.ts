/**
 * The entry of the thread that reads and parses chatLedger for verify and rebuild (see
 * ./threadedReader.ts), posting each page to the job as it comes:
 *  - a range: page after page, never more than `ahead` pages beyond the last the job took
 *    (the job posts `more` for each page it takes);
 *  - listed entries: the job posts each page's ids, a few ahead, and gets that page back.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { Redis, type RedisOptions } from 'ioredis'

import type { EntryId } from '@/events/entryId'

import { readEntries, readStream, type StreamPage } from './streamReader'

export type ReaderData = {
  connection: RedisOptions
  stream: string
  /** A range; or none, for listed entries (their ids come as messages). */
  range?: { after?: EntryId; to?: EntryId | '+' }
  ahead: number
}

/** What the job posts: a credit for the next page of a range, or the ids of a page to read. */
export type ReaderRequest = 'more' | EntryId[]

/** What the thread posts: a page, the end of a range, or why it stopped. */
export type ReaderMessage = { type: 'page'; page: StreamPage } | { type: 'done' } | { type: 'failed'; message: string }

const { connection, stream, range, ahead } = workerData as ReaderData
const port = parentPort!
const post = (message: ReaderMessage) => port.postMessage(message)
const redis = new Redis(connection)
// The job's own client reports an outage; here a command that cannot be sent fails with the reason.
redis.on('error', () => {})
const failed = (error: unknown) => {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  redis.disconnect()
}

if (range) {
  let credits = ahead
  let waiting: (() => void) | undefined
  port.on('message', () => {
    credits++
    waiting?.()
  })
  void (async () => {
    for await (const page of readStream(redis, stream, range)) {
      while (credits === 0) await new Promise<void>((resolve) => (waiting = resolve))
      credits--
      post({ type: 'page', page })
    }
    post({ type: 'done' })
    redis.disconnect()
  })().catch(failed)
} else {
  // One page at a time, in the order asked.
  let chain = Promise.resolve()
  port.on('message', (ids: EntryId[]) => {
    chain = chain.then(async () => {
      for await (const page of readEntries(redis, stream, [ids])) post({ type: 'page', page })
    })
    chain.catch(failed)
  })
}
