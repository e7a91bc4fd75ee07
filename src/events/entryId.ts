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
  const dashA = plainDash(a)
  const dashB = plainDash(b)
  if (dashA === -1 || dashB === -1) return compareAnyEntryIds(a, b)
  // Without leading zeros, the longer number is the larger, and numbers of one length compare as text.
  if (dashA !== dashB) return dashA < dashB ? -1 : 1
  const msA = a.slice(0, dashA)
  const msB = b.slice(0, dashB)
  if (msA !== msB) return msA < msB ? -1 : 1
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Where the `-` is in an id as Redis writes it (digits, no leading zeros); -1 for anything else,
 * which the general comparison reads (or rejects). Called for every register an event might take.
 */
function plainDash(id: string): number {
  const dash = id.indexOf('-')
  if (dash < 1 || dash === id.length - 1) return -1
  if (id.charCodeAt(0) === 48 && dash > 1) return -1
  if (id.charCodeAt(dash + 1) === 48 && id.length > dash + 2) return -1
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i)
    if (i !== dash && (code < 48 || code > 57)) return -1
  }
  return dash
}

function compareAnyEntryIds(a: EntryId, b: EntryId): number {
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
