/**
 * One Server-Sent Events connection onto the change feed. Every frame carries an `id:` (a feed
 * entry id), so a browser's EventSource reconnects with `Last-Event-ID` and resumes exactly
 * after the last change it saw: the missed entries come from the stream (XRANGE), then the
 * live ones from the shared reader, never one twice.
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { compareEntryIds } from '@/events/entryId'

import { type FeedEntry, toFeedEntries } from './changeFeed'
import type { ChangeFeedReader, Subscription } from './feedReader'
import type { StreamEntryReply } from '@/lib/stream'

export type SseOptions = {
  reader: ChangeFeedReader
  /** A non-blocking connection for backlog reads (shared, never one per client). */
  redis: Redis
  stream: string
  heartbeatMs: number
  /** Resume after this feed entry (exclusive). */
  lastEventId?: string
  /** Which entries this client wants. */
  filter: (entry: FeedEntry) => boolean
  /** Asked at every heartbeat whether the client may still follow the feed: false closes the stream. */
  stillAllowed?: () => Promise<boolean>
  /** The request's signal: aborted when the client goes away. */
  signal?: AbortSignal
  log: Payload['logger']
}

/** How long a browser waits before reconnecting. */
const RETRY_MS = 2_000
/** Backlog entries read per XRANGE. */
const PAGE = 500
/** Bytes queued before the backlog read waits for the client to catch up. */
const HIGH_WATER_BYTES = 64 * 1024
/** Bytes queued for a client that does not read: beyond this it is dropped, and resumes on reconnect. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024

const encoder = new TextEncoder()

export const frame = (id: string, event: string, data: string): string =>
  `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`
export const HEARTBEAT = ': ping\n\n'

let openStreams = 0
/** SSE connections open in this process. */
export const openSseStreams = (): number => openStreams

/**
 * Whether changes after `lastEventId` may be missing from the feed: an id beyond the feed's last
 * (another feed's, or a feed that was deleted), or one older than the first entry left after
 * trimming. Conservative: a client told to reset reloads, which is never wrong.
 */
async function hasGap(redis: Redis, stream: string, lastEventId: string): Promise<boolean> {
  let info: unknown[]
  try {
    info = (await redis.xinfo('STREAM', stream)) as unknown[]
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return compareEntryIds(lastEventId, '0-0') > 0
    throw error
  }
  const fields = new Map<string, unknown>()
  for (let i = 0; i + 1 < info.length; i += 2) fields.set(String(info[i]), info[i + 1])
  const lastGenerated = String(fields.get('last-generated-id'))
  if (compareEntryIds(lastEventId, lastGenerated) > 0) return true
  // Redis 7 counts entries ever added; without it (Redis 6.2) assume some were trimmed.
  const added = fields.get('entries-added')
  const length = Number(fields.get('length'))
  if (added !== undefined && Number(added) === length) return false
  const first = (fields.get('first-entry') as [string, string[]] | null)?.[0]
  return compareEntryIds(lastEventId, first ?? lastGenerated) < 0
}

export function sseStream(options: SseOptions): ReadableStream<Uint8Array> {
  const { reader, redis, stream, heartbeatMs, lastEventId, filter, stillAllowed, signal, log } = options
  let finish = () => {}
  let drained: (() => void) | undefined

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        openStreams++
        let closed = false
        let live = false
        let lastSent = '0-0'
        let buffered: FeedEntry[] = []
        let subscription: Subscription | undefined

        const send = (text: string) => {
          if (closed) return
          controller.enqueue(encoder.encode(text))
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) {
            log.warn({ lastSent }, 'SSE client is not reading: closing it (it resumes from Last-Event-ID)')
            finish()
          }
        }
        /**
         * Sends entries after `lastSent`, in order, once each; filtered-out entries still advance
         * it. A batch goes out as one chunk: at 500 changes/s to 100 clients, a chunk per frame
         * costs the server more than the frames themselves.
         */
        const deliver = (entries: FeedEntry[]) => {
          let text = ''
          for (const entry of entries) {
            if (compareEntryIds(entry.id, lastSent) <= 0) continue
            lastSent = entry.id
            if (filter(entry)) text += frame(entry.id, entry.collection, entry.json)
          }
          if (text) send(text)
        }
        let checking = false
        /** One check at a time; one that fails (our database, not the client) keeps the stream until the next. */
        const recheck = async () => {
          if (!stillAllowed || checking || closed) return
          checking = true
          try {
            if (await stillAllowed()) return
            log.info({ lastSent }, 'SSE client no longer allowed to follow the feed: closing it')
            finish()
          } catch (error) {
            log.warn({ err: error instanceof Error ? error.message : String(error) }, 'SSE session re-check failed')
          } finally {
            checking = false
          }
        }
        const heartbeat = setInterval(() => {
          send(HEARTBEAT)
          void recheck()
        }, heartbeatMs)

        finish = () => {
          if (closed) return
          closed = true
          openStreams--
          clearInterval(heartbeat)
          subscription?.unsubscribe()
          signal?.removeEventListener('abort', finish)
          buffered = []
          drained?.()
          try {
            controller.close()
          } catch {
            // already cancelled by the reader
          }
        }
        if (signal?.aborted) return finish()
        signal?.addEventListener('abort', finish, { once: true })

        /** Waits until the client has read the backlog so far: a long backlog never piles up in memory. */
        const backpressure = () =>
          (controller.desiredSize ?? 1) > 0 || closed ? undefined : new Promise<void>((resolve) => (drained = resolve))

        const run = async () => {
          // Subscribe first: live entries are buffered while the backlog is read, so nothing
          // committed in between is missed; `lastSent` drops what both reads return.
          subscription = await reader.subscribe((entries) => (live ? deliver(entries) : buffered.push(...entries)))
          if (closed) return subscription.unsubscribe()
          const position = subscription.position
          if (lastEventId === undefined) {
            lastSent = position
            send(`retry: ${RETRY_MS}\n` + frame(position, 'ready', JSON.stringify({ position })))
          } else if (await hasGap(redis, stream, lastEventId)) {
            // The changes after lastEventId are no longer all in the feed: the client reloads.
            lastSent = position
            send(
              `retry: ${RETRY_MS}\n` +
                frame(
                  position,
                  'reset',
                  JSON.stringify({ position, reason: 'changes since Last-Event-ID are no longer in the feed: reload' }),
                ),
            )
          } else {
            lastSent = lastEventId
            send(
              `retry: ${RETRY_MS}\n` +
                frame(lastEventId, 'ready', JSON.stringify({ position: lastEventId, resumed: true })),
            )
            for (let from = lastEventId; !closed;) {
              const page = (await redis.xrange(stream, `(${from}`, '+', 'COUNT', PAGE)) as StreamEntryReply[]
              deliver(toFeedEntries(page))
              if (page.length < PAGE) break
              from = page[page.length - 1]![0]
              await backpressure()
            }
          }
          live = true
          deliver(buffered)
          buffered = []
        }
        run().catch((error) => {
          log.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'SSE stream failed: closing it (the client reconnects)',
          )
          finish()
        })
      },
      pull() {
        drained?.()
        drained = undefined
      },
      cancel() {
        finish()
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  )
}
