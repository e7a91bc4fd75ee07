import type { Redis } from 'ioredis'

import type { WorkerSettings } from './settings'

/** A stream entry as delivered; `fields` is null for an entry deleted from the stream while pending. */
export type StreamEntry = { id: string; fields: string[] | null }

type RawEntries = Array<[id: string, fields: string[] | null]>

const toEntries = (raw: RawEntries | null | undefined): StreamEntry[] =>
  (raw ?? []).map(([id, fields]) => ({ id, fields: fields ?? null }))

export type DeadLetter = { entry: StreamEntry; reason: string; attempts: number }

/**
 * One consumer in the group: reads its own pending entries first (what it held when it last
 * stopped), then new ones; takes over entries a dead consumer left pending; claims its own
 * failed entries back for another attempt; acknowledges and dead-letters. It knows nothing of
 * projections.
 */
export class StreamConsumer {
  private pendingDrained = false

  constructor(
    private readonly redis: Redis,
    private readonly settings: WorkerSettings,
  ) {}

  /**
   * Creates the consumer group (and the stream) when missing; a group that exists is kept as it
   * is. True when this call created it.
   */
  async ensureGroup(): Promise<boolean> {
    try {
      await this.redis.xgroup('CREATE', this.settings.stream, this.settings.group, '0', 'MKSTREAM')
      return true
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error
      return false
    }
  }

  /** The next batch: own pending entries until there are none, then new entries (blocking). */
  async read(blockMs = this.settings.blockMs): Promise<StreamEntry[]> {
    const { stream, batchSize } = this.settings
    if (!this.pendingDrained) {
      const pending = await this.xreadgroup(['COUNT', batchSize, 'STREAMS', stream, '0'])
      if (pending.length > 0) return pending
      this.pendingDrained = true
    }
    return this.xreadgroup(['COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', stream, '>'])
  }

  /**
   * Takes over entries idle longer than the threshold in any consumer's pending list. Entries
   * deleted from the stream meanwhile come back with no fields (Redis 6.2; Redis 7 drops them
   * from the pending list itself and lists their ids, which are returned as deleted too).
   */
  async claimAbandoned(): Promise<StreamEntry[]> {
    const { stream, group, consumer, claimIdleMs, batchSize } = this.settings
    const [, entries, deleted = []] = (await this.redis.xautoclaim(
      stream,
      group,
      consumer,
      claimIdleMs,
      '0-0',
      'COUNT',
      batchSize,
    )) as [string, RawEntries, string[]?]
    return [...toEntries(entries), ...deleted.map((id) => ({ id, fields: null }))]
  }

  /** Claims entries this consumer left pending (to try them again): each claim is one more delivery. */
  async claimOwn(ids: string[]): Promise<StreamEntry[]> {
    if (ids.length === 0) return []
    const { stream, group, consumer } = this.settings
    const claimed = toEntries((await this.redis.xclaim(stream, group, consumer, 0, ...ids)) as RawEntries)
    // An entry deleted from the stream is not returned: it is gone, and so is its claim.
    const returned = new Set(claimed.map((entry) => entry.id))
    return [...claimed, ...ids.filter((id) => !returned.has(id)).map((id) => ({ id, fields: null }))]
  }

  async ack(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.settings.stream, this.settings.group, ...ids)
  }

  /** How often the group has delivered these entries (1 on first delivery). */
  async deliveries(ids: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    const { stream, group } = this.settings
    await Promise.all(
      ids.map(async (id) => {
        const rows = (await this.redis.xpending(stream, group, id, id, 1)) as Array<[string, string, number, number]>
        counts.set(id, rows[0]?.[3] ?? 1)
      }),
    )
    return counts
  }

  /**
   * Moves entries to the dead-letter stream with the original id and fields, the reason, the
   * attempt count and this consumer, then acknowledges them: one MULTI, so an entry is never
   * acknowledged without its dead letter.
   */
  async deadLetter(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return
    const { stream, group, consumer, deadLetterStream, projection } = this.settings
    const multi = this.redis.multi()
    for (const { entry, reason, attempts } of letters) {
      multi.xadd(
        deadLetterStream,
        '*',
        'entryId',
        entry.id,
        'fields',
        JSON.stringify(entry.fields ?? []),
        'reason',
        reason,
        'attempts',
        String(attempts),
        'consumer',
        consumer,
        'projection',
        projection,
        'failedAt',
        new Date().toISOString(),
      )
    }
    multi.xack(stream, group, ...letters.map(({ entry }) => entry.id))
    const results = await multi.exec()
    const failed = results?.find(([error]) => error)
    if (failed) throw failed[0]
  }

  private async xreadgroup(tail: Array<string | number>): Promise<StreamEntry[]> {
    const { group, consumer } = this.settings
    const reply = (await this.redis.call('XREADGROUP', 'GROUP', group, consumer, ...tail)) as Array<
      [string, RawEntries]
    > | null
    return toEntries(reply?.[0]?.[1])
  }
}
