import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { type FeedEntry, toFeedEntries } from './changeFeed'
import type { StreamEntryReply } from '@/lib/stream'

export type Subscriber = (entries: FeedEntry[]) => void

export type Subscription = {
  /** The feed position the subscription starts after: every later entry reaches the subscriber. */
  position: string
  unsubscribe: () => void
}

const READ_COUNT = 1_000
const RETRY_MS = 1_000

/**
 * One blocking reader of the change feed per server process, fanning entries out to every
 * subscriber (SSE connection): 500 idle clients cost 500 set members and one Redis connection,
 * not 500 connections. It reads only while someone listens; the first subscriber after a pause
 * starts it again from the feed's end.
 */
export class ChangeFeedReader {
  private readonly subscribers = new Set<Subscriber>()
  /** Last entry id read (and dispatched); defined while the loop runs. */
  private cursor: string | undefined
  private starting: Promise<string> | undefined
  private closed = false

  /**
   * @param redis a connection of its own: a blocked XREAD holds it.
   */
  constructor(
    private readonly redis: Redis,
    readonly stream: string,
    private readonly log: Payload['logger'],
    private readonly blockMs = 5_000,
  ) {}

  /** Live subscribers: 0 once every connection is gone. */
  get size(): number {
    return this.subscribers.size
  }

  async subscribe(subscriber: Subscriber): Promise<Subscription> {
    if (this.closed) throw new Error('the change feed reader is closed')
    this.subscribers.add(subscriber)
    const unsubscribe = () => void this.subscribers.delete(subscriber)
    try {
      // While the loop runs, entries after `cursor` are yet to be dispatched, and this
      // subscriber is already in the set to receive them.
      const position = this.cursor ?? (await this.start())
      return { position, unsubscribe }
    } catch (error) {
      unsubscribe()
      throw error
    }
  }

  /** Ends the loop and the connection; subscribers receive nothing more. */
  close(): void {
    this.closed = true
    this.subscribers.clear()
    this.redis.disconnect()
  }

  private start(): Promise<string> {
    this.starting ??= (async () => {
      const [last] = (await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', 1)) as StreamEntryReply[]
      const cursor = last?.[0] ?? '0-0'
      this.cursor = cursor
      void this.loop()
      return cursor
    })().finally(() => {
      this.starting = undefined
    })
    return this.starting
  }

  private async loop(): Promise<void> {
    while (this.subscribers.size > 0 && !this.closed) {
      try {
        const result = (await this.redis.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          this.stream,
          this.cursor!,
        )) as Array<[stream: string, entries: StreamEntryReply[]]> | null
        const raw = result?.[0]?.[1] ?? []
        if (raw.length === 0 || this.closed) continue
        this.cursor = raw[raw.length - 1]![0]
        const entries = toFeedEntries(raw)
        if (entries.length === 0) continue
        for (const subscriber of [...this.subscribers]) {
          try {
            subscriber(entries)
          } catch (error) {
            this.log.warn(
              { err: error instanceof Error ? error.message : String(error) },
              'change feed subscriber failed',
            )
          }
        }
      } catch (error) {
        if (this.closed) break
        // The cursor is kept: once Redis is back, reading resumes where it stopped, without a gap.
        this.log.warn(
          { stream: this.stream, err: error instanceof Error ? error.message : String(error) },
          'change feed read failed: retrying',
        )
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    }
    // Nobody listens: stop. `cursor` goes, so the next subscriber starts from the feed's end.
    this.cursor = undefined
  }
}
