/**
 * One Server-Sent Events connection onto the change feed. Every frame carries an `id:` (a feed
 * entry id), so a browser's EventSource reconnects with `Last-Event-ID` and resumes exactly
 * after the last change it saw: the missed entries come from the stream (XRANGE), then the
 * live ones from the shared reader, never one twice.
 *
 * The connection is a pipeline of small async generators, pulled by the response body: the feed
 * (the opening frame, the backlog, then live entries) → heartbeats → the session's re-check →
 * framing. Pulling gives backpressure for free: nothing is read from Redis faster than the client
 * reads. One AbortSignal ends every stage: the client going away, the session refused, the client
 * not reading, or a failure.
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { compareEntryIds } from '@/events/entryId'

import { type FeedEntry, toFeedEntries } from './changeFeed'
import type { ChangeFeedReader } from './feedReader'
import { HEARTBEAT, type Heartbeat, wakeable, withHeartbeat } from './heartbeat'
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
/** Bytes of frames the response body holds before it stops pulling (and so reading the feed). */
const HIGH_WATER_BYTES = 64 * 1024
/** Bytes of live entries held for a client that does not read: beyond this it is dropped, and resumes on reconnect. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024

/** One SSE event. */
type Frame = { id: string; event: string; data: string }
/** What the feed yields: frames that go out as one chunk, the first with the browser's retry interval. */
type Frames = { retry?: number; frames: Frame[] }

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

/** The feed's entries after `after`, a page per XRANGE, each page read when the one before has been taken. */
async function* backlog(redis: Redis, stream: string, after: string, signal: AbortSignal): AsyncGenerator<FeedEntry[]> {
  for (let from = after; !signal.aborted;) {
    const page = (await redis.xrange(stream, `(${from}`, '+', 'COUNT', PAGE)) as StreamEntryReply[]
    yield toFeedEntries(page)
    if (page.length < PAGE) return
    from = page[page.length - 1]![0]
  }
}

type Live = {
  /** The feed position the subscription starts after. */
  position: string
  /** The entries published since, in batches as the reader read them, until `signal` aborts. */
  entries: AsyncGenerator<FeedEntry[]>
  unsubscribe: () => void
}

/**
 * Subscribes to the shared reader. Entries queue from that moment until taken, so none committed
 * while the backlog is read is missed; a client that lets `MAX_QUEUED_BYTES` queue is dropped
 * (`overflow`).
 */
async function subscribe(reader: ChangeFeedReader, signal: AbortSignal, overflow: () => void): Promise<Live> {
  let queue: FeedEntry[] = []
  let queuedBytes = 0
  let arrived: (() => void) | undefined
  const { position, unsubscribe } = await reader.subscribe((entries) => {
    queue.push(...entries)
    for (const entry of entries) queuedBytes += entry.json.length
    if (queuedBytes > MAX_QUEUED_BYTES && !signal.aborted) overflow()
    arrived?.()
  })
  async function* entries(): AsyncGenerator<FeedEntry[]> {
    while (!signal.aborted) {
      if (queue.length === 0) {
        const waiting = wakeable(signal)
        arrived = waiting.wake
        await waiting.promise
        arrived = undefined
        continue
      }
      const batch = queue
      queue = []
      queuedBytes = 0
      yield batch
    }
  }
  return { position, entries: entries(), unsubscribe }
}

/**
 * Frames of entries after `after`, in feed order, once each: entries both reads return (the
 * backlog and the live queue overlap) go out once, and entries the filter drops still move
 * `after` on.
 */
function unsent(after: string, filter: (entry: FeedEntry) => boolean): (entries: FeedEntry[]) => Frame[] {
  let lastSent = after
  return (entries) => {
    const frames: Frame[] = []
    for (const entry of entries) {
      if (compareEntryIds(entry.id, lastSent) <= 0) continue
      lastSent = entry.id
      if (filter(entry)) frames.push({ id: entry.id, event: entry.collection, data: entry.json })
    }
    return frames
  }
}

/**
 * The first frame: `ready` at the feed's position, or after Last-Event-ID when the feed still
 * holds every change since (then the backlog follows); `reset` when it does not, and the client
 * reloads. `after` is where the frames that follow start.
 */
async function opening(
  redis: Redis,
  stream: string,
  position: string,
  lastEventId: string | undefined,
): Promise<{ frame: Frame; after: string; backlog: boolean }> {
  if (lastEventId === undefined)
    return {
      frame: { id: position, event: 'ready', data: JSON.stringify({ position }) },
      after: position,
      backlog: false,
    }
  if (await hasGap(redis, stream, lastEventId)) {
    const reason = 'changes since Last-Event-ID are no longer in the feed: reload'
    const data = JSON.stringify({ position, reason })
    return { frame: { id: position, event: 'reset', data }, after: position, backlog: false }
  }
  const data = JSON.stringify({ position: lastEventId, resumed: true })
  return { frame: { id: lastEventId, event: 'ready', data }, after: lastEventId, backlog: true }
}

/**
 * The feed as this client sees it: the opening frame, the backlog after Last-Event-ID, then the
 * live entries. It subscribes first, so nothing committed between the two reads is missed.
 */
async function* feed(
  { reader, redis, stream, lastEventId, filter, log }: SseOptions,
  signal: AbortSignal,
  close: () => void,
): AsyncGenerator<Frames> {
  const live = await subscribe(reader, signal, () => {
    log.warn('SSE client is not reading: closing it (it resumes from Last-Event-ID)')
    close()
  })
  try {
    const { frame, after, backlog: resumed } = await opening(redis, stream, live.position, lastEventId)
    yield { retry: RETRY_MS, frames: [frame] }
    const framesOf = unsent(after, filter)
    const sources = resumed ? [backlog(redis, stream, after, signal), live.entries] : [live.entries]
    for (const source of sources) {
      for await (const entries of source) {
        // A batch goes out as one chunk: at 500 changes/s to 100 clients, a chunk per frame costs
        // the server more than the frames themselves.
        const frames = framesOf(entries)
        if (frames.length) yield { frames }
      }
    }
  } finally {
    live.unsubscribe()
  }
}

/**
 * `source`, re-checking at each heartbeat that the client may still follow the feed (one check at
 * a time). A refusal closes the stream; a check that fails (our database, not the client) keeps it
 * until the next.
 */
async function* whileAllowed<T>(
  source: AsyncIterable<T | Heartbeat>,
  stillAllowed: (() => Promise<boolean>) | undefined,
  close: () => void,
  log: Payload['logger'],
): AsyncGenerator<T | Heartbeat> {
  let checking = false
  const check = async (allowed: () => Promise<boolean>) => {
    checking = true
    try {
      if (await allowed()) return
      log.info('SSE client no longer allowed to follow the feed: closing it')
      close()
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'SSE session re-check failed')
    } finally {
      checking = false
    }
  }
  for await (const item of source) {
    if (item === HEARTBEAT && stillAllowed && !checking) void check(stillAllowed)
    yield item
  }
}

const encoder = new TextEncoder()
const framed = ({ id, event, data }: Frame) => `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`

/** The text of the stream: frames, with the retry interval first when given, and `: ping` comments. */
async function* encoded(source: AsyncIterable<Frames | Heartbeat>): AsyncGenerator<Uint8Array> {
  for await (const item of source) {
    if (item === HEARTBEAT) yield encoder.encode(': ping\n\n')
    else yield encoder.encode((item.retry ? `retry: ${item.retry}\n` : '') + item.frames.map(framed).join(''))
  }
}

/**
 * The response body: pulls `chunks` while it holds less than HIGH_WATER_BYTES. Ends when `stop`
 * aborts (whoever aborts it), when the client cancels, or when a stage fails.
 */
function responseBody(chunks: AsyncGenerator<Uint8Array>, stop: AbortController, log: Payload['logger']) {
  let controller: ReadableStreamDefaultController<Uint8Array>
  const end = () => {
    openStreams--
    chunks.return(undefined).catch(() => undefined)
    try {
      controller.close()
    } catch {
      // already cancelled by the client
    }
  }
  return new ReadableStream<Uint8Array>(
    {
      start(started) {
        controller = started
        openStreams++
        if (stop.signal.aborted) end()
        else stop.signal.addEventListener('abort', end, { once: true })
      },
      async pull() {
        try {
          const { value, done } = await chunks.next()
          if (done) stop.abort()
          else if (!stop.signal.aborted) controller.enqueue(value)
        } catch (error) {
          if (!stop.signal.aborted)
            log.warn(
              { err: error instanceof Error ? error.message : String(error) },
              'SSE stream failed: closing it (the client reconnects)',
            )
          stop.abort()
        }
      },
      cancel() {
        stop.abort()
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  )
}

export function sseStream(options: SseOptions): ReadableStream<Uint8Array> {
  const { heartbeatMs, stillAllowed, signal, log } = options
  const stop = new AbortController()
  const close = () => stop.abort()
  if (signal?.aborted) close()
  else if (signal) {
    signal.addEventListener('abort', close, { once: true })
    stop.signal.addEventListener('abort', () => signal.removeEventListener('abort', close), { once: true })
  }
  const changes = feed(options, stop.signal, close)
  const chunks = encoded(whileAllowed(withHeartbeat(changes, heartbeatMs, stop.signal), stillAllowed, close, log))
  return responseBody(chunks, stop, log)
}
