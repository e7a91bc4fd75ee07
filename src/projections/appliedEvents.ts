/**
 * Which events a record has taken, kept with the record, so that each event changes it once:
 * however often it is delivered, and however often the producer retried its XADD (a retry is
 * the same event, `cid`, `typ` and `seq`, under a new entry id).
 *
 * An event is known by its retry key: conversation id, type and seq. The keys a record has
 * taken are bits, six seqs to a base64url character, per conversation and type: a 2,000-line
 * conversation's lines fit in a few hundred characters, whatever the interleaving. An event
 * without a seq can only be told apart by its entry id (`@<entry id>`, in `others`, as are seqs
 * beyond the marked window): a producer that leaves `seq` out cannot have its retries recognised.
 *
 * For an event that wrote a register, `copies` also keeps the entry id of the copy that wrote
 * it: when the earlier copy of a retry turns up after the later one (a reclaimed batch), it
 * takes the later one's place, so the record is as if only the first copy had ever been seen.
 */
import { compareEntryIds, type EntryId } from '@/events/entryId'
import type { ChatEvent } from '@/events/types'
import { ownValue } from '@/events/ownValue'

import { withKey } from './registers'

export type AppliedEvents = {
  /** conversation id (`-` when the event has none) → event type → marks, six seqs per character. */
  seqs: Record<string, Record<string, string>>
  /** Keys with no place in `seqs`, sorted: `@<entry id>` (no seq), `<cid>:<typ>:<seq>` (seq too large). */
  others: string[]
  /** Retry key → entry id of the copy applied, for events that wrote a register. */
  copies: Record<string, EntryId>
}

/** A record's event identity: where its mark goes, and the key that names it. */
export type RetryKey = { key: string; conversation: string; type: string; seq?: number }

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SEQS_PER_CHAR = 6
/** Seqs from this one on go to `others`, so one absurd seq cannot blow the marks up. */
export const MARKED_SEQS = 65_536

export const noneApplied = (): AppliedEvents => ({ seqs: {}, others: [], copies: {} })

/** The identity of an event for retries: a key when it has a seq, its entry id otherwise. */
export function retryKeyOf(event: ChatEvent): RetryKey {
  const conversation = event.conversationId ?? '-'
  if (event.seq === undefined) return { key: `@${event.entryId}`, conversation, type: event.type }
  return { key: `${conversation}:${event.type}:${event.seq}`, conversation, type: event.type, seq: event.seq }
}

const marked = (key: RetryKey): key is RetryKey & { seq: number } => key.seq !== undefined && key.seq < MARKED_SEQS

const bitOf = (seq: number) => 1 << (seq % SEQS_PER_CHAR)

/**
 * Marks are `[<offset>.]<characters>`: the characters cover seqs from `offset` × 6 on, so one
 * event late in a long conversation (its summary, its decision) costs a character, not a run of
 * empty ones.
 */
function readMarks(marks: string): { offset: number; chars: string } {
  const dot = marks.indexOf('.')
  return dot === -1 ? { offset: 0, chars: marks } : { offset: Number(marks.slice(0, dot)), chars: marks.slice(dot + 1) }
}

const writeMarks = (offset: number, chars: string) => (offset === 0 ? chars : `${offset}.${chars}`)

export function hasApplied(applied: AppliedEvents, key: RetryKey): boolean {
  if (!marked(key)) return applied.others.includes(key.key)
  const byType = ownValue(applied.seqs, key.conversation)
  const { offset, chars } = readMarks((byType && ownValue(byType, key.type)) ?? '')
  const index = Math.floor(key.seq / SEQS_PER_CHAR) - offset
  return index >= 0 && index < chars.length && (ALPHABET.indexOf(chars[index]!) & bitOf(key.seq)) !== 0
}

/** `applied` with `key` marked (assumed not marked yet). */
export function markApplied(applied: AppliedEvents, key: RetryKey): AppliedEvents {
  if (!marked(key)) return { ...applied, others: [...applied.others, key.key].sort() }
  const byType = ownValue(applied.seqs, key.conversation) ?? {}
  const existing = ownValue(byType, key.type)
  const at = Math.floor(key.seq / SEQS_PER_CHAR)
  const { offset, chars } = existing === undefined ? { offset: at, chars: '' } : readMarks(existing)
  const start = Math.min(offset, at)
  const padded = ALPHABET[0]!.repeat(offset - start) + chars
  const index = at - start
  const current = index < padded.length ? ALPHABET.indexOf(padded[index]!) : 0
  const next =
    padded.slice(0, index).padEnd(index, ALPHABET[0]) + ALPHABET[current | bitOf(key.seq)] + padded.slice(index + 1)
  return {
    ...applied,
    seqs: withKey(applied.seqs, key.conversation, withKey(byType, key.type, writeMarks(start, next))),
  }
}

export const withCopy = (applied: AppliedEvents, key: RetryKey, entryId: EntryId): AppliedEvents => ({
  ...applied,
  copies: withKey(applied.copies, key.key, entryId),
})

/** The entry id of the copy that wrote a register, when that copy is later than `entryId`. */
export function laterCopy(applied: AppliedEvents, key: RetryKey, entryId: EntryId): EntryId | undefined {
  const copy = ownValue(applied.copies, key.key)
  return copy !== undefined && compareEntryIds(entryId, copy) < 0 ? copy : undefined
}
