/** A Redis stream entry id, `<milliseconds>-<sequence>`: the identity and the order of an event. */
export type EntryId = string

const ENTRY_ID = /^(\d+)-(\d+)$/

export const isEntryId = (value: string): value is EntryId => ENTRY_ID.test(value)

/** Compares two unsigned decimal integers of any length, as written (leading zeros ignored). */
const compareDigits = (a: string, b: string): number => {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length < y.length ? -1 : 1
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Stream order: ids compare as two integers, so `1-10` comes after `1-9` (a plain string
 * comparison gets that wrong). Negative when `a` comes first, zero when equal.
 */
export function compareEntryIds(a: EntryId, b: EntryId): number {
  const [, msA = '', seqA = ''] = ENTRY_ID.exec(a) ?? []
  const [, msB = '', seqB = ''] = ENTRY_ID.exec(b) ?? []
  if (!msA || !msB) throw new Error(`not a stream entry id: ${JSON.stringify(msA ? b : a)} (expected <ms>-<seq>)`)
  return compareDigits(msA, msB) || compareDigits(seqA, seqB)
}

/** The later of two entry ids. */
export const maxEntryId = (a: EntryId, b: EntryId): EntryId => (compareEntryIds(a, b) >= 0 ? a : b)

const MAX_SEQUENCE = '18446744073709551615'

/** The id just before `id` in stream order (`5-0` → `4-18446744073709551615`); `0-0` has none. */
export function entryIdBefore(id: EntryId): EntryId | undefined {
  const [, ms = '0', seq = '0'] = ENTRY_ID.exec(id) ?? []
  if (BigInt(seq) > 0n) return `${ms}-${BigInt(seq) - 1n}`
  if (BigInt(ms) > 0n) return `${BigInt(ms) - 1n}-${MAX_SEQUENCE}`
  return undefined
}
