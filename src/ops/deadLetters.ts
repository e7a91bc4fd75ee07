/**
 * The dead-letter console's model. Dead letters stay where the worker puts them (the stream
 * `<stream>:<group>:dlq`, StreamConsumer.deadLetter); beside it an index, brought up to date on
 * each read from where it last stopped, groups them by failure fingerprint (a hash of the
 * groups, a sorted set of dead-letter ids per group), so 10,000 dead letters are listed a page at
 * a time without reading them all. Retry projects the original entry again through the worker's
 * own steps (parse at the edge, projectBatch, publish to the change feed); discard moves a dead
 * letter into `<dlq>:archive` with who and why. Nothing is deleted without a trace.
 */
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { parse } from '@/events/parse'
import { type ProjectionName, PROJECTION_NAMES, PROJECTIONS } from '@/projections'
import { publishMessages } from '@/realtime/changeFeed'
import { projectBatch, STORES } from '@/store'
import { metricsKeys } from '@/worker/metrics'

import { fingerprintOf, type Fingerprint } from './fingerprint'
import { describeError, isTransient } from '@/lib/failures'
import { chatLedgerStream, deadLetterStreamOf } from '@/lib/stream'

export const deadLetterKeys = (projection: ProjectionName, stream = chatLedgerStream()) => {
  const dlq = deadLetterStreamOf(stream, PROJECTIONS[projection].group)
  return {
    dlq,
    archive: `${dlq}:archive`,
    cursor: `${dlq}:index:cursor`,
    groups: `${dlq}:index:groups`,
    group: (fingerprint: string) => `${dlq}:index:group:${fingerprint}`,
  }
}

export type DeadLetterSummary = {
  projection: ProjectionName
  /** The dead letter's own id in the dead-letter stream. */
  id: string
  /** The original chatLedger entry. */
  entryId: string
  type: string
  conversationId?: string
  reason: string
  attempts: number
  consumer: string
  failedAt: string
  fingerprint: string
}

export type DeadLetterDetail = DeadLetterSummary & {
  fields: Record<string, string>
  /** `dat` pretty-printed when it is JSON; as it came otherwise. */
  dat?: string
  datIsJson: boolean
}

export type DeadLetterGroup = Fingerprint & { count: number; firstSeen: string; lastSeen: string }

type Raw = [id: string, flat: string[]]

const pairsOf = (flat: string[]): Record<string, string> => {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
  return fields
}

/** The original entry's fields (a JSON array of field/value strings), or none when unreadable. */
function originalFields(letter: Record<string, string>): string[] {
  try {
    const fields = JSON.parse(letter.fields ?? '[]') as unknown
    return Array.isArray(fields) ? fields.map(String) : []
  } catch {
    return []
  }
}

function summaryOf(projection: ProjectionName, [id, flat]: Raw): DeadLetterSummary & { original: string[] } {
  const letter = pairsOf(flat)
  const original = originalFields(letter)
  const fields = pairsOf(original)
  const reason = letter.reason ?? ''
  return {
    projection,
    id,
    entryId: letter.entryId ?? '',
    type: fields.typ ?? '(no type)',
    conversationId: fields.cid,
    reason,
    attempts: Number(letter.attempts ?? 1),
    consumer: letter.consumer ?? '',
    failedAt: letter.failedAt ?? new Date(Number(id.split('-')[0])).toISOString(),
    fingerprint: fingerprintOf(projection, fields.typ, reason).fingerprint,
    original,
  }
}

const publicSummary = ({ original: _original, ...summary }: DeadLetterSummary & { original: string[] }) => summary

const INDEX_CHUNK = 1_000

/** Brings the fingerprint index up to the dead-letter stream's end (from where it last stopped). */
export async function updateIndex(redis: Redis, projection: ProjectionName): Promise<void> {
  const keys = deadLetterKeys(projection)
  let cursor = (await redis.get(keys.cursor)) ?? '0-0'
  for (;;) {
    const rows = (await redis.xrange(keys.dlq, `(${cursor}`, '+', 'COUNT', INDEX_CHUNK)) as Raw[]
    if (rows.length === 0) return
    const multi = redis.multi()
    for (const row of rows) {
      const [id, flat] = row
      const letter = pairsOf(flat)
      const fields = pairsOf(originalFields(letter))
      const print = fingerprintOf(projection, fields.typ, letter.reason ?? '')
      const { fingerprint, ...meta } = print
      multi.hsetnx(keys.groups, fingerprint, JSON.stringify(meta))
      multi.zadd(keys.group(fingerprint), Number(id.split('-')[0]), id)
    }
    cursor = rows.at(-1)![0]
    multi.set(keys.cursor, cursor)
    await multi.exec()
    if (rows.length < INDEX_CHUNK) return
  }
}

const projectionsOf = (projection?: ProjectionName) => (projection ? [projection] : PROJECTION_NAMES)

/** Every failure group with its count and first/last seen, largest first. */
export async function listGroups(redis: Redis, projection?: ProjectionName): Promise<DeadLetterGroup[]> {
  const groups: DeadLetterGroup[] = []
  for (const name of projectionsOf(projection)) {
    await updateIndex(redis, name)
    const keys = deadLetterKeys(name)
    const metas = Object.entries(await redis.hgetall(keys.groups))
    if (metas.length === 0) continue
    const pipeline = redis.pipeline()
    for (const [fingerprint] of metas) {
      pipeline.zcard(keys.group(fingerprint))
      pipeline.zrange(keys.group(fingerprint), 0, 0, 'WITHSCORES')
      pipeline.zrange(keys.group(fingerprint), -1, -1, 'WITHSCORES')
    }
    const results = (await pipeline.exec()) ?? []
    metas.forEach(([fingerprint, meta], index) => {
      const count = Number(results[index * 3]?.[1] ?? 0)
      if (count === 0) return
      const first = results[index * 3 + 1]?.[1] as string[]
      const last = results[index * 3 + 2]?.[1] as string[]
      groups.push({
        fingerprint,
        ...(JSON.parse(meta) as Omit<Fingerprint, 'fingerprint'>),
        count,
        firstSeen: new Date(Number(first[1])).toISOString(),
        lastSeen: new Date(Number(last[1])).toISOString(),
      })
    })
  }
  return groups.sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen))
}

/** Reads dead letters by id; ids no longer in the stream are dropped from the index. */
async function readLetters(redis: Redis, projection: ProjectionName, ids: string[]) {
  if (ids.length === 0) return []
  const keys = deadLetterKeys(projection)
  const pipeline = redis.pipeline()
  for (const id of ids) pipeline.xrange(keys.dlq, id, id)
  const results = (await pipeline.exec()) ?? []
  const found: Array<DeadLetterSummary & { original: string[] }> = []
  const gone: string[] = []
  ids.forEach((id, index) => {
    const rows = results[index]?.[1] as Raw[] | undefined
    if (rows?.[0]) found.push(summaryOf(projection, rows[0]))
    else gone.push(id)
  })
  if (gone.length) {
    const fingerprints = await redis.hkeys(keys.groups)
    const prune = redis.pipeline()
    for (const fingerprint of fingerprints) prune.zrem(keys.group(fingerprint), ...gone)
    await prune.exec()
  }
  return found
}

export type LetterPage = { letters: DeadLetterSummary[]; total: number; page: number; limit: number; pages: number }

/** One page of a group's dead letters, newest first. */
export async function listGroupLetters(
  redis: Redis,
  projection: ProjectionName,
  fingerprint: string,
  { page = 1, limit = 50 }: { page?: number; limit?: number } = {},
): Promise<LetterPage> {
  await updateIndex(redis, projection)
  const key = deadLetterKeys(projection).group(fingerprint)
  const start = (page - 1) * limit
  const [total, ids] = await Promise.all([redis.zcard(key), redis.zrevrange(key, start, start + limit - 1)])
  const letters = (await readLetters(redis, projection, ids)).map(publicSummary)
  return { letters, total, page, limit, pages: Math.max(1, Math.ceil(total / limit)) }
}

/** One page of every dead letter of a projection, newest first, continuing `before` a dead letter id. */
export async function listLetters(
  redis: Redis,
  projection: ProjectionName,
  { before, limit = 50 }: { before?: string; limit?: number } = {},
): Promise<{ letters: DeadLetterSummary[]; total: number; next: string | null }> {
  const { dlq } = deadLetterKeys(projection)
  const [rows, total] = await Promise.all([
    redis.xrevrange(dlq, before ? `(${before}` : '+', '-', 'COUNT', limit) as Promise<Raw[]>,
    redis.xlen(dlq),
  ])
  const letters = rows.map((row) => publicSummary(summaryOf(projection, row)))
  return { letters, total, next: rows.length === limit ? rows.at(-1)![0] : null }
}

export async function deadLetterDetail(
  redis: Redis,
  projection: ProjectionName,
  id: string,
): Promise<DeadLetterDetail | undefined> {
  const [letter] = await readLetters(redis, projection, [id])
  if (!letter) return undefined
  const fields = pairsOf(letter.original)
  let dat = fields.dat
  let datIsJson = false
  if (dat !== undefined) {
    try {
      dat = JSON.stringify(JSON.parse(dat), null, 2)
      datIsJson = true
    } catch {
      // Not JSON (often the very reason it was dead-lettered): shown as it came.
    }
  }
  return { ...publicSummary(letter), fields, dat, datIsJson }
}

/** The ids a group holds now, oldest first. */
export async function groupIds(redis: Redis, projection: ProjectionName, fingerprint: string): Promise<string[]> {
  await updateIndex(redis, projection)
  return redis.zrange(deadLetterKeys(projection).group(fingerprint), 0, -1)
}

export type ActionOutcome = {
  requested: number
  /** Retried and projected, or discarded into the archive. */
  done: number
  /** Retries that failed again: still dead letters, with the new reason and attempt count. */
  failed: Array<{ id: string; newId?: string; reason: string }>
  /** Not found (already retried or discarded by someone else). */
  missing: number
  /** Retries not attempted because the database or Redis is unreachable (nothing changed). */
  outage?: string
}

const RETRY_CHUNK = 50

/**
 * Retries dead letters: each original entry is parsed and projected as the worker does it
 * (projectBatch with the projection's store; the changes published to the change feed). A chunk
 * that fails is retried one entry at a time; an entry that fails alone stays a dead letter with
 * its new reason and one more attempt; an outage stops the retry with nothing changed for the
 * rest.
 */
export async function retryDeadLetters(
  payload: Payload,
  redis: Redis,
  projection: ProjectionName,
  ids: string[],
): Promise<ActionOutcome> {
  const keys = deadLetterKeys(projection)
  const store = STORES[projection]
  // What a retry projects counts in the projection's totals (billie_events_projected_total) as a worker's batch would.
  const { totals } = metricsKeys({ stream: chatLedgerStream(), group: PROJECTIONS[projection].group })
  const outcome: ActionOutcome = { requested: ids.length, done: 0, failed: [], missing: 0 }
  const fingerprints = await redis.hkeys(keys.groups)
  const remove = (multi: ReturnType<Redis['multi']>, id: string) => {
    multi.xdel(keys.dlq, id)
    for (const fingerprint of fingerprints) multi.zrem(keys.group(fingerprint), id)
  }
  const failAgain = async (letter: DeadLetterSummary & { original: string[] }, reason: string) => {
    const multi = redis.multi()
    multi.xadd(
      keys.dlq,
      '*',
      'entryId',
      letter.entryId,
      'fields',
      JSON.stringify(letter.original),
      'reason',
      reason,
      'attempts',
      String(letter.attempts + 1),
      'consumer',
      'operations console (retry)',
      'projection',
      projection,
      'failedAt',
      new Date().toISOString(),
    )
    remove(multi, letter.id)
    const results = await multi.exec()
    outcome.failed.push({ id: letter.id, newId: results?.[0]?.[1] as string | undefined, reason })
  }
  for (let i = 0; i < ids.length && !outcome.outage; i += RETRY_CHUNK) {
    const letters = await readLetters(redis, projection, ids.slice(i, i + RETRY_CHUNK))
    outcome.missing += Math.min(RETRY_CHUNK, ids.length - i) - letters.length
    const parsed: Array<{ letter: (typeof letters)[number]; event: Extract<ReturnType<typeof parse>, { ok: true }> }> =
      []
    for (const letter of letters) {
      const result = parse(letter.entryId, letter.original)
      if (result.ok) parsed.push({ letter, event: result })
      else if (result.kind === 'skipped') {
        // Valid now, and nothing this projection keeps: acknowledged, as the worker would.
        const multi = redis.multi()
        remove(multi, letter.id)
        multi.hincrby(totals, 'skipped', 1)
        await multi.exec()
        outcome.done++
      } else await failAgain(letter, result.reason)
    }
    const project = async (part: typeof parsed): Promise<void> => {
      if (part.length === 0) return
      try {
        const changes = await projectBatch(
          payload,
          store,
          part.map(({ event }) => event.event),
        )
        await publishMessages(redis, changes.messages).catch((error) =>
          payload.logger.warn({ err: describeError(error) }, 'change feed publish failed after a dead-letter retry'),
        )
        const multi = redis.multi()
        for (const { letter } of part) remove(multi, letter.id)
        multi.hincrby(totals, 'processed', part.length)
        await multi.exec()
        outcome.done += part.length
      } catch (error) {
        if (isTransient(error)) {
          outcome.outage = describeError(error)
          return
        }
        if (part.length === 1) return failAgain(part[0]!.letter, `projection failed: ${describeError(error)}`)
        for (const one of part) {
          if (outcome.outage) return
          await project([one])
        }
      }
    }
    await project(parsed)
  }
  return outcome
}

/** Moves dead letters into the archive (with who, when and why), out of the console's lists. */
export async function discardDeadLetters(
  redis: Redis,
  projection: ProjectionName,
  ids: string[],
  { by, why }: { by: string; why: string },
): Promise<ActionOutcome> {
  const keys = deadLetterKeys(projection)
  const outcome: ActionOutcome = { requested: ids.length, done: 0, failed: [], missing: 0 }
  const fingerprints = await redis.hkeys(keys.groups)
  for (let i = 0; i < ids.length; i += RETRY_CHUNK) {
    const chunk = ids.slice(i, i + RETRY_CHUNK)
    const letters = await readLetters(redis, projection, chunk)
    outcome.missing += chunk.length - letters.length
    if (letters.length === 0) continue
    const multi = redis.multi()
    const discardedAt = new Date().toISOString()
    for (const letter of letters) {
      multi.xadd(
        keys.archive,
        '*',
        'deadLetterId',
        letter.id,
        'entryId',
        letter.entryId,
        'fields',
        JSON.stringify(letter.original),
        'reason',
        letter.reason,
        'attempts',
        String(letter.attempts),
        'failedAt',
        letter.failedAt,
        'discardedBy',
        by,
        'discardedAt',
        discardedAt,
        'why',
        why,
      )
      multi.xdel(keys.dlq, letter.id)
      for (const fingerprint of fingerprints) multi.zrem(keys.group(fingerprint), letter.id)
    }
    await multi.exec()
    outcome.done += letters.length
  }
  return outcome
}

export type ArchivedLetter = {
  id: string
  deadLetterId: string
  entryId: string
  reason: string
  discardedBy: string
  discardedAt: string
  why: string
}

/** The archive's newest discarded dead letters. */
export async function readArchive(redis: Redis, projection: ProjectionName, limit = 50): Promise<ArchivedLetter[]> {
  const rows = (await redis.xrevrange(deadLetterKeys(projection).archive, '+', '-', 'COUNT', limit)) as Raw[]
  return rows.map(([id, flat]) => {
    const row = pairsOf(flat)
    return {
      id,
      deadLetterId: row.deadLetterId ?? '',
      entryId: row.entryId ?? '',
      reason: row.reason ?? '',
      discardedBy: row.discardedBy ?? '',
      discardedAt: row.discardedAt ?? '',
      why: row.why ?? '',
    }
  })
}
