/**
 * The entry of the thread that reads and parses chatLedger for verify and rebuild (see
 * ./threadedReader.ts), posting each page to the job as it comes:
 *  - a range: page after page, never more than `ahead` pages beyond the last the job took
 *    (the job posts `more` for each page it takes). A page the job is not waiting for (it is
 *    busy folding those before) comes with its lines made for the job's projection, when it
 *    names one: the two share the fold's work as their speeds have it, whatever the machine;
 *  - listed entries: the job posts each page's ids, a few ahead, and gets that page back.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { Redis, type RedisOptions } from 'ioredis'

import type { EntryId } from '@/events/entryId'
import { isProjectionName } from '@/projections'
import { kindsOf } from '@/store/kinds'
import { STORES } from '@/store/stores'

import { EntryFailed } from './control'
import { readEntries, readStream, type StreamPage } from './streamReader'
import { lineFactsOf } from './target'
import { describeError } from '@/lib/failures'

export type ReaderData = {
  connection: RedisOptions
  stream: string
  /** A range; or none, for listed entries (their ids come as messages). */
  range?: { after?: EntryId; to?: EntryId | '+' }
  ahead: number
  /** The projection whose lines the thread makes, for pages the job is not waiting for (LineFacts, ./target.ts). */
  lines?: string
}

/** What the job posts: a credit for the next page of a range, or the ids of a page to read. */
export type ReaderRequest = 'more' | EntryId[]

/** What the thread posts: a page, the end of a range, or why it stopped (and at which entry, when at one). */
export type ReaderMessage =
  { type: 'page'; page: StreamPage } | { type: 'done' } | { type: 'failed'; message: string; entryId?: EntryId }

const { connection, stream, range, ahead, lines } = workerData as ReaderData
const lineKinds = lines !== undefined && isProjectionName(lines) ? kindsOf(STORES[lines]).lines : undefined
const port = parentPort!
const post = (message: ReaderMessage) => port.postMessage(message)
const redis = new Redis(connection)
// The job's own client reports an outage; here a command that cannot be sent fails with the reason.
redis.on('error', () => {})
const failed = (error: unknown) => {
  if (error instanceof EntryFailed)
    post({ type: 'failed', message: describeError(error.cause), entryId: error.entryId })
  else post({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
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
      const ready = lineKinds && credits === 0 ? { ...page, lines: lineFactsOf(lineKinds, page.events) } : page
      while (credits === 0) await new Promise<void>((resolve) => (waiting = resolve))
      credits--
      post({ type: 'page', page: ready })
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
