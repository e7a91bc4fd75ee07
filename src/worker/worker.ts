import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { parse } from '@/events/parse'
import type { ChatEvent } from '@/events/types'
import { compareEntryIds } from '@/events/entryId'

import { CircuitBreaker, describeError, isTransient } from './failures'
import { WorkerMetrics } from './metrics'
import { projectBatch, type ProjectedChanges } from './projectBatch'
import type { WorkerSettings } from './settings'
import { type StreamEntry, StreamConsumer } from './streamConsumer'

export type WorkerOptions = {
  payload: Payload
  /** For XREADGROUP ... BLOCK: a blocked connection can run nothing else. */
  reader: Redis
  /** For acks, dead letters, metrics. */
  redis: Redis
  settings: WorkerSettings
  /** Stop once the stream has nothing new for this long (tests, replays); run forever when unset. */
  stopWhenIdleMs?: number
  /** Called after each committed batch, with what changed (the change feed hooks in here). */
  onCommitted?: (changes: ProjectedChanges) => Promise<void> | void
}

type Letter = { entry: StreamEntry; reason: string; attempts: number }

const CLAIM_EVERY_MS = 5_000
/**
 * How long stop() waits for the loop before it gives up on Redis. ioredis queues
 * commands while Redis is unreachable and never fails them (maxRetriesPerRequest: null), so
 * without this a worker told to stop during a Redis outage never exits (tests/int/workerShutdown).
 * Under the 10 s an orchestrator usually grants between SIGTERM and SIGKILL.
 */
const STOP_GRACE_MS = 8_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The stream consumer loop: read a batch, parse it at the edge, project it in one transaction,
 * then acknowledge. Nothing is acknowledged before its effect is committed; outages are waited
 * out with backoff; only deterministic failures reach the dead-letter stream.
 */
export class Worker {
  private stopping = false
  /** Set when stop() ran out of patience: nothing more is sent to Redis, not even acks. */
  private abandoned = false
  private giveUp!: (reason: Error) => void
  /** Rejects when stop() gives up on Redis: every Redis call the loop awaits is raced against it. */
  private readonly gaveUp = new Promise<never>((_, reject) => (this.giveUp = reject))
  private readonly consumer: StreamConsumer
  private readonly metrics: WorkerMetrics
  private readonly breaker = new CircuitBreaker()
  private readonly log: Payload['logger']
  private loop?: Promise<void>

  constructor(private readonly options: WorkerOptions) {
    this.consumer = new StreamConsumer(options.reader, options.settings)
    this.metrics = new WorkerMetrics(options.redis, options.settings)
    this.log = options.payload.logger.child({ component: 'worker', consumer: options.settings.consumer })
    this.gaveUp.catch(() => undefined)
  }

  start(): Promise<void> {
    this.loop ??= this.run()
    return this.loop
  }

  /**
   * Finishes the batch in hand (or leaves it pending for a peer), then resolves. If Redis does not
   * answer within STOP_GRACE_MS, stops waiting for it, drops both connections, and leaves
   * whatever is unacknowledged pending: a peer or the next start reclaims it (rule 4; the
   * projection is idempotent, so a committed but unacknowledged batch costs a redelivery, no more).
   */
  async stop(): Promise<void> {
    this.stopping = true
    if (!this.loop) return
    const grace = setTimeout(() => this.abandon(), STOP_GRACE_MS)
    try {
      await this.loop.catch(() => undefined)
    } finally {
      clearTimeout(grace)
    }
  }

  private abandon(): void {
    this.abandoned = true
    this.log.warn(
      { graceMs: STOP_GRACE_MS },
      'Redis did not answer while stopping: giving up on it, unacknowledged entries stay pending',
    )
    // ioredis does not fail the commands it queued while reconnecting when it is disconnected,
    // so the loop stops waiting for them itself (viaRedis); disconnecting ends the reconnecting.
    this.giveUp(new Error('stopped while Redis was unreachable'))
    this.options.reader.disconnect()
    this.options.redis.disconnect()
  }

  /** A Redis call the loop waits for, unless stop() has given up on Redis. */
  private viaRedis<T>(call: Promise<T>): Promise<T> {
    return Promise.race([call, this.gaveUp])
  }

  private async run(): Promise<void> {
    try {
      await this.consume()
    } catch (error) {
      // Stopping: a step that gave up (Redis unreachable) ends the loop, not the process.
      if (!this.stopping) throw error
      this.log.warn({ err: describeError(error) }, 'worker stopped with Redis unreachable')
    }
  }

  private async consume(): Promise<void> {
    const { settings } = this.options
    await this.untilReady(() => this.consumer.ensureGroup(), 'create consumer group')
    await this.untilReady(() => this.metrics.started(), 'register worker')
    this.log.info({ stream: settings.stream, group: settings.group }, 'worker started')
    let lastClaim = 0
    let idleSince = Date.now()
    while (!this.stopping) {
      let entries: StreamEntry[] = []
      try {
        if (Date.now() - lastClaim >= CLAIM_EVERY_MS) {
          lastClaim = Date.now()
          entries = await this.viaRedis(this.consumer.claimAbandoned())
          if (entries.length)
            this.log.info({ count: entries.length, first: entries[0]!.id }, 'reclaimed abandoned entries')
        }
        if (entries.length === 0) {
          const blockMs = this.options.stopWhenIdleMs ? Math.min(settings.blockMs, 200) : settings.blockMs
          entries = await this.viaRedis(this.consumer.read(blockMs))
        }
      } catch (error) {
        await this.backoff(error, 'read from Redis')
        continue
      }
      if (entries.length === 0) {
        await this.viaRedis(this.metrics.heartbeat('idle')).catch(() => undefined)
        if (this.options.stopWhenIdleMs && Date.now() - idleSince >= this.options.stopWhenIdleMs) break
        continue
      }
      await this.handle(entries)
      idleSince = Date.now()
    }
    await this.viaRedis(this.metrics.stopped()).catch(() => undefined)
    this.log.info('worker stopped')
  }

  private async handle(entries: StreamEntry[]): Promise<void> {
    const started = performance.now()
    const events: ChatEvent[] = []
    const skipped: string[] = []
    const letters: Letter[] = []
    for (const entry of entries) {
      const result = parse(entry.id, entry.fields)
      if (result.ok) events.push(result.event)
      else if (result.kind === 'skipped') skipped.push(entry.id)
      else letters.push({ entry, reason: result.reason, attempts: 1 })
    }
    events.sort((a, b) => compareEntryIds(a.entryId, b.entryId))

    let retries = 0
    let committed: ProjectedChanges | undefined
    let remaining = events
    while (!committed) {
      try {
        committed = await projectBatch(this.options.payload, remaining)
        this.breaker.succeeded()
      } catch (error) {
        retries++
        try {
          if (isTransient(error)) throw error
          // Deterministic: project event by event, dead-letter those that fail alone.
          const { healthy, poisoned } = await this.isolatePoison(remaining, entries, error)
          remaining = healthy
          letters.push(...poisoned)
        } catch (transient) {
          if (!isTransient(transient)) throw transient
          if (this.stopping) return this.release(entries, transient)
          await this.backoff(transient, 'project batch', entries.length)
        }
      }
    }

    const committedAt = Date.now()
    // Announce before acknowledging: a crash in between redelivers the batch, which changes
    // nothing and is not announced twice; the other way round the announcement would be lost.
    if (this.options.onCommitted) {
      await this.viaRedis(Promise.resolve(this.options.onCommitted(committed))).catch((error) =>
        this.log.warn({ err: describeError(error) }, 'change feed publish failed'),
      )
    }

    const poisoned = new Set(letters.map((letter) => letter.entry.id))
    const acked = entries.map((entry) => entry.id).filter((id) => !poisoned.has(id))
    await this.untilReady(async () => {
      if (letters.length) {
        const deliveries = await this.consumer.deliveries(letters.map((letter) => letter.entry.id))
        for (const letter of letters) letter.attempts = Math.max(letter.attempts, deliveries.get(letter.entry.id) ?? 1)
        await this.consumer.deadLetter(letters)
      }
      await this.consumer.ack(acked)
    }, 'acknowledge batch')

    const batchMs = performance.now() - started
    const lagsMs = remaining.map((event) => committedAt - Number(event.entryId.split('-')[0]))
    await this.viaRedis(
      this.metrics.batch({
        processed: remaining.length,
        skipped: skipped.length,
        deadLettered: letters.length,
        retries,
        batchMs,
        lastEntryId: entries.at(-1)?.id,
        lagsMs,
      }),
    ).catch((error) => this.log.warn({ err: describeError(error) }, 'could not record metrics'))
    this.log.info(
      {
        first: entries[0]?.id,
        last: entries.at(-1)?.id,
        projected: remaining.length,
        skipped: skipped.length,
        deadLettered: letters.length,
        ...(letters.length
          ? { deadLetters: letters.map((letter) => ({ entryId: letter.entry.id, reason: letter.reason })) }
          : {}),
        retries,
        conversations: committed.conversations.length,
        ms: Math.round(batchMs),
      },
      'batch committed',
    )
  }

  /**
   * Projects each event alone to find those that fail deterministically. Such an event is tried
   * up to maxAttempts times before it is dead-lettered (with the error as reason); the others
   * go back into the batch.
   */
  private async isolatePoison(
    events: ChatEvent[],
    entries: StreamEntry[],
    batchError: unknown,
  ): Promise<{ healthy: ChatEvent[]; poisoned: Letter[] }> {
    this.log.warn({ err: describeError(batchError), count: events.length }, 'batch failed deterministically: isolating')
    const healthy: ChatEvent[] = []
    const poisoned: Letter[] = []
    for (const event of events) {
      let lastError: unknown
      let attempts = 0
      do {
        attempts++
        try {
          await projectBatch(this.options.payload, [event])
          lastError = undefined
        } catch (error) {
          if (isTransient(error)) throw error
          lastError = error
        }
      } while (lastError !== undefined && attempts < this.options.settings.maxAttempts)
      if (lastError === undefined) {
        healthy.push(event)
        continue
      }
      const entry = entries.find((candidate) => candidate.id === event.entryId)!
      poisoned.push({ entry, reason: `projection failed: ${describeError(lastError)}`, attempts })
      this.log.error(
        { entryId: entry.id, conversationId: event.conversationId, err: describeError(lastError) },
        'dead-lettering an event that fails deterministically',
      )
    }
    return { healthy, poisoned }
  }

  /** Leaves the entries pending: this consumer reads them first on restart, or a peer reclaims them. */
  private release(entries: StreamEntry[], reason: unknown): void {
    this.log.warn(
      { first: entries[0]?.id, count: entries.length, reason: describeError(reason) },
      'released batch unacknowledged',
    )
  }

  private async backoff(error: unknown, what: string, batch?: number): Promise<void> {
    const delay = this.breaker.failed()
    this.log.warn(
      {
        err: describeError(error),
        what,
        batch,
        retryInMs: delay,
        circuit: this.breaker.state,
        failures: this.breaker.consecutiveFailures,
      },
      'transient failure: backing off',
    )
    await this.viaRedis(this.metrics.heartbeat(this.breaker.state === 'open' ? 'circuit-open' : 'backoff')).catch(
      () => undefined,
    )
    await sleep(delay)
  }

  /** Retries a Redis step through outages until it succeeds (or the worker stops). */
  private async untilReady(step: () => Promise<unknown>, what: string): Promise<void> {
    for (;;) {
      try {
        await this.viaRedis(step())
        this.breaker.succeeded()
        return
      } catch (error) {
        // An ack is retried while stopping (the batch is committed), until stop() gives up on Redis.
        if (this.stopping && (what !== 'acknowledge batch' || this.abandoned)) throw error
        await this.backoff(error, what)
      }
    }
  }
}
