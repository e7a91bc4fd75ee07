/**
 * Which transcript lines a conversation has counted, kept without the transcript, so that
 * `messageCount` counts each line once however often (and in whatever order) events arrive.
 *
 * A line is a (speaker, seq) pair. `seq` numbers every event of a conversation, so the two
 * speakers' seqs interleave (and other events take seqs between them): a range list per
 * speaker would fragment into one range per line. Instead each seq gets two bits (customer
 * seen, assistant seen), three seqs to a base64url character: a 2,000-line conversation fits
 * in about 700 characters, whatever the interleaving. Lines without a seq (keyed by their entry
 * id) or with a seq beyond the window go to `others`, a sorted list: a safety net that stays
 * empty for a well-behaved producer.
 */
import type { EntryId } from '@/events/entryId'
import type { Speaker } from '@/events/types'

export type SeenLines = {
  /** Two bits per seq from 0, three seqs per character; no trailing 'A' (nothing seen). */
  marks: string
  /** Lines that have no place in `marks`: `customer@<entry id>`, `assistant:<seq>`, sorted. */
  others: string[]
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SEQS_PER_CHAR = 3
/** Seqs from this one on go to `others`, so one absurd seq cannot blow the marks up. */
export const MARKED_SEQS = 65_536

export const noLines = (): SeenLines => ({ marks: '', others: [] })

const bitOf = (speaker: Speaker, seq: number) => (speaker === 'customer' ? 1 : 2) << ((seq % SEQS_PER_CHAR) * 2)

function markSeq(marks: string, speaker: Speaker, seq: number): string | undefined {
  const index = Math.floor(seq / SEQS_PER_CHAR)
  const current = index < marks.length ? ALPHABET.indexOf(marks[index]!) : 0
  const bit = bitOf(speaker, seq)
  if (current & bit) return undefined
  return marks.slice(0, index).padEnd(index, ALPHABET[0]) + ALPHABET[current | bit] + marks.slice(index + 1)
}

function addOther(others: string[], key: string): string[] | undefined {
  if (others.includes(key)) return undefined
  return [...others, key].sort()
}

/**
 * Records the line; returns `seen` itself when it was already recorded (a redelivery, or a
 * producer's retry of the same seq).
 */
export function markLine(seen: SeenLines, speaker: Speaker, seq: number | undefined, entryId: EntryId): SeenLines {
  if (seq !== undefined && seq < MARKED_SEQS) {
    const marks = markSeq(seen.marks, speaker, seq)
    return marks === undefined ? seen : { ...seen, marks }
  }
  const others = addOther(seen.others, seq === undefined ? `${speaker}@${entryId}` : `${speaker}:${seq}`)
  return others === undefined ? seen : { ...seen, others }
}
