import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { compareEntryIds } from '@/events/entryId'
import { parse } from '@/events/parse'
import type { ChatEvent } from '@/events/types'
import { type ChangeMessage, mergeMessages } from '@/projections/changes'
import { type BatchChanges, projectBatch, type StoredProjection } from '@/store'

import { WorkerMetrics } from './metrics'
import type { WorkerSettings } from './settings'
import { type DeadLetter, type StreamEntry, StreamConsumer } from './streamConsumer'
import { firstBuildNeeded, groupProgress, setStoredVersion } from '@/lib/checkpoint'
import { CircuitBreaker } from '@/worker/circuitBreaker'
import { describeError, isTransient } from '@/lib/failures'

export type WorkerOptions = {
  payload: Payload
  /** The projection this worker feeds, with its storage. */
  store: StoredProjection
  /** For XREADGROUP ... BLOCK: a blocked connection can run nothing else. */
  reader: Redis
  /** For acks, dead letters, metrics. */
  redis: Redis
  settings: WorkerSettings
  /** Stop once the stream has nothing new for this long (tests, replays); run forever when unset. */
  stopWhenIdleMs?: number
  /** Called after each committed batch with its change-feed messages (the change feed hooks in here). */
  onCommitted?: (messages: ChangeMessage[]) => Promise<unknown> | unknown
}

/** An event that failed on its own with a non-transient error, and the error. */
type Failure = { event: ChatEvent; error: unknown }

const CLAIM_EVERY_MS = 5_000
/**
 * How long stop() waits for the loop before it gives up on Redis. ioredis queues
 * commands while Redis is unreachable and never fails them (maxRetriesPerRequest: null), so
 * without this a worker told to stop during a Redis outage never exits (tests/int/workerShutdown).
 * Under the 10 s an orchestrator usually grants between SIGTERM and SIGKILL.
 */
const STOP_GRACE_MS = 8_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Thrown out of isolation when an outage interrupts it: what was committed before it stands. */
class Interrupted extends Error {
  constructor(
    readonly reason: unknown,
    readonly remaining: ChatEvent[],
  ) {
    super('interrupted by a transient failure')
  }
}

/**
 * One projection's stream consumer loop: read a batch, parse it at the edge, project it in one
 * transaction, announce, then acknowledge. Nothing is acknowledged before its effect is
 * committed; outages are waited out with backoff; an event that fails on its own is tried again
 * on later deliveries, with a growing wait, and reaches the dead-letter stream only once it has
 * failed WORKER_MAX_ATTEMPTS deliveries.
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
  /** Entries that failed on their own and wait, pending, for another attempt: entry id → when. */
  private readonly retries = new Map<string, number>()
  private loop?: Promise<void>

  constructor(private readonly options: WorkerOptions) {
    this.consumer = new StreamConsumer(options.reader, options.settings)
    this.metrics = new WorkerMetrics(options.redis, options.settings)
    this.log = options.payload.logger.child({
      component: 'worker',
      projection: options.settings.projection,
      consumer: options.settings.consumer,
    })
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

  /** The entries whose next attempt is due, claimed back (one more delivery each). */
  private async dueRetries(): Promise<StreamEntry[]> {
    const now = Date.now()
    const due = [...this.retries].filter(([, at]) => at <= now).map(([id]) => id)
    if (due.length === 0) return []
    const entries = await this.viaRedis(this.consumer.claimOwn(due))
    for (const id of due) this.retries.delete(id)
    return entries
  }

  private async consume(): Promise<void> {
    const { settings } = this.options
    await this.untilReady(async () => {
      // A group this worker creates starts from the stream's beginning: its records will be this
      // code's, so this code's version is the stored one (a group that exists keeps its version).
      // A projection new to a long stream is built in bulk first: its group comes with that build.
      if (await firstBuildNeeded(this.options.redis, settings.stream, settings.group)) {
        this.log.info(
          { stream: settings.stream, group: settings.group },
          'waiting for the first build (a bulk rebuild)',
        )
        while (!this.stopping && !(await groupProgress(this.options.redis, settings.stream, settings.group)))
          await new Promise((resolve) => setTimeout(resolve, 1_000))
      }
      if (!this.stopping && (await this.consumer.ensureGroup())) {
        const { version } = this.options.store.projection
        await setStoredVersion(this.options.redis, settings.stream, settings.group, version, { onlyIfUnset: true })
      }
    }, 'create consumer group')
    await this.untilReady(() => this.metrics.started(), 'register worker')
    this.log.info({ stream: settings.stream, group: settings.group }, 'worker started')
    let lastClaim = 0
    let idleSince = Date.now()
    while (!this.stopping) {
      let entries: StreamEntry[] = []
      try {
        entries = await this.dueRetries()
        if (entries.length === 0 && Date.now() - lastClaim >= CLAIM_EVERY_MS) {
          lastClaim = Date.now()
          entries = await this.viaRedis(this.consumer.claimAbandoned())
          if (entries.length)
            this.log.info({ count: entries.length, first: entries[0]!.id }, 'reclaimed abandoned entries')
        }
        if (entries.length === 0) {
          const blockMs = this.options.stopWhenIdleMs ? Math.min(settings.blockMs, 200) : settings.blockMs
          entries = await this.viaRedis(this.consumer.read(this.retries.size ? Math.min(blockMs, 200) : blockMs))
        }
      } catch (error) {
        await this.backoff(error, 'read from Redis')
        continue
      }
      if (entries.length === 0) {
        await this.viaRedis(this.metrics.heartbeat('idle')).catch(() => undefined)
        const idle = this.options.stopWhenIdleMs && Date.now() - idleSince >= this.options.stopWhenIdleMs
        if (idle && this.retries.size === 0) break
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
    const letters: DeadLetter[] = []
    for (const entry of entries) {
      // Deleted from the stream while pending: nothing to project, and nothing to keep.
      if (entry.fields === null) {
        skipped.push(entry.id)
        continue
      }
      const result = parse(entry.id, entry.fields)
      if (result.ok) events.push(result.event)
      else if (result.kind === 'skipped') skipped.push(entry.id)
      else letters.push({ entry, reason: result.reason, attempts: 1 })
    }
    events.sort((a, b) => compareEntryIds(a.entryId, b.entryId))

    const committed: BatchChanges[] = []
    const failures: Failure[] = []
    /** Left pending when stopping during an outage: a peer, or the next start, takes them. */
    let released: ChatEvent[] = []
    let retries = 0
    let remaining = events
    while (remaining.length > 0) {
      try {
        committed.push(await projectBatch(this.options.payload, this.options.store, remaining))
        this.breaker.succeeded()
        remaining = []
      } catch (error) {
        retries++
        try {
          if (isTransient(error)) throw new Interrupted(error, remaining)
          // Deterministic: find the events that fail on their own; commit the rest.
          this.log.warn({ err: describeError(error), count: remaining.length }, 'batch failed: isolating')
          await this.isolate(remaining, committed, failures)
          remaining = []
        } catch (interrupted) {
          if (!(interrupted instanceof Interrupted)) throw interrupted
          remaining = interrupted.remaining
          if (this.stopping) {
            released = remaining
            this.release(released, interrupted.reason)
            break
          }
          await this.backoff(interrupted.reason, 'project batch', remaining.length)
        }
      }
    }

    const committedAt = Date.now()
    // Announce before acknowledging: a crash in between redelivers the batch, which changes
    // nothing and is not announced twice; the other way round the announcement would be lost.
    const messages = mergeMessages(committed.flatMap((changes) => changes.messages))
    if (this.options.onCommitted && messages.length) {
      await this.viaRedis(Promise.resolve(this.options.onCommitted(messages))).catch((error) => {
        this.log.warn({ err: describeError(error) }, 'change feed publish failed')
        return this.viaRedis(this.metrics.publishFailed()).catch(() => undefined)
      })
    }

    const waiting = await this.settleFailures(failures, entries, letters)
    const held = new Set([
      ...letters.map((letter) => letter.entry.id),
      ...waiting,
      ...released.map((event) => event.entryId),
    ])
    const acked = entries.map((entry) => entry.id).filter((id) => !held.has(id))
    await this.untilReady(async () => {
      await this.consumer.deadLetter(letters)
      await this.consumer.ack(acked)
    }, 'acknowledge batch')

    const unprojected = new Set([
      ...failures.map((failure) => failure.event.entryId),
      ...released.map((e) => e.entryId),
    ])
    const projectedEvents = events.filter((event) => !unprojected.has(event.entryId))
    const projected = projectedEvents.length
    const batchMs = performance.now() - started
    const lagsMs = projectedEvents.map((event) => committedAt - Number(event.entryId.split('-')[0]))
    await this.viaRedis(
      this.metrics.batch({
        processed: projected,
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
        projected,
        skipped: skipped.length,
        deadLettered: letters.length,
        ...(letters.length ? { deadLetters: letters.map(({ entry, reason }) => ({ entryId: entry.id, reason })) } : {}),
        ...(waiting.length ? { retryLater: waiting } : {}),
        retries,
        announced: messages.length,
        ms: Math.round(batchMs),
      },
      'batch committed',
    )
  }

  /**
   * Commits what can be committed of a batch that failed deterministically, by halves: a half
   * that commits is done, a half that fails is split again, down to the events that fail on
   * their own. About 2·log₂(n) transactions per failing event, and never the whole batch again:
   * a batch whose every event succeeds alone cannot loop. An outage meanwhile interrupts it.
   */
  private async isolate(events: ChatEvent[], committed: BatchChanges[], failures: Failure[]): Promise<void> {
    const done = new Set<string>()
    const attempt = async (part: ChatEvent[]): Promise<void> => {
      try {
        committed.push(await projectBatch(this.options.payload, this.options.store, part))
        for (const event of part) done.add(event.entryId)
      } catch (error) {
        if (isTransient(error)) {
          const failed = new Set(failures.map((failure) => failure.event.entryId))
          throw new Interrupted(
            error,
            events.filter((event) => !done.has(event.entryId) && !failed.has(event.entryId)),
          )
        }
        if (part.length === 1) return void failures.push({ event: part[0]!, error })
        const middle = Math.ceil(part.length / 2)
        await attempt(part.slice(0, middle))
        await attempt(part.slice(middle))
      }
    }
    const middle = Math.ceil(events.length / 2)
    if (events.length === 1) return attempt(events)
    await attempt(events.slice(0, middle))
    await attempt(events.slice(middle))
  }

  /**
   * Each event that failed on its own: dead-lettered once it has failed WORKER_MAX_ATTEMPTS
   * deliveries (counted by Redis, across workers and restarts); otherwise left pending and tried
   * again after a wait that doubles with each delivery. Returns the entries left pending.
   */
  private async settleFailures(failures: Failure[], entries: StreamEntry[], letters: DeadLetter[]): Promise<string[]> {
    if (failures.length === 0) return []
    const { maxAttempts, retryBackoffMs } = this.options.settings
    const deliveries = await this.viaRedis(this.consumer.deliveries(failures.map(({ event }) => event.entryId))).catch(
      () => new Map<string, number>(),
    )
    const waiting: string[] = []
    for (const { event, error } of failures) {
      const attempts = deliveries.get(event.entryId) ?? 1
      const context = {
        entryId: event.entryId,
        conversationId: event.conversationId,
        attempts,
        err: describeError(error),
      }
      if (attempts >= maxAttempts) {
        const entry = entries.find((candidate) => candidate.id === event.entryId)!
        letters.push({ entry, reason: `projection failed: ${describeError(error)}`, attempts })
        this.log.error(context, 'dead-lettering an event that failed every attempt')
        continue
      }
      const waitMs = retryBackoffMs * 2 ** (attempts - 1)
      this.retries.set(event.entryId, Date.now() + waitMs)
      waiting.push(event.entryId)
      this.log.warn({ ...context, retryInMs: waitMs }, 'an event failed on its own: trying it again later')
    }
    return waiting
  }

  /** Leaves the events pending: this consumer reads them first on restart, or a peer reclaims them. */
  private release(events: ChatEvent[], reason: unknown): void {
    this.log.warn(
      { first: events[0]?.entryId, count: events.length, reason: describeError(reason) },
      'stopping during an outage: left unacknowledged',
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
    const state = this.breaker.state === 'open' ? 'circuit-open' : 'backoff'
    await this.viaRedis(this.metrics.heartbeat(state)).catch(() => undefined)
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
