/**
 * A dead letter's failure fingerprint: its projection, its event type and its reason with the
 * ids and numbers taken out, so "seq abc at 1700000000000-3" and "seq xyz at 1700000000001-0"
 * fall in one group. Pure.
 */
import crypto from 'node:crypto'

const PATTERNS: Array<[RegExp, string]> = [
  // Stream entry ids, UUIDs, prefixed business keys (conv-1a2b…, APP-000123), long hex runs.
  [/\b\d{10,}-\d+\b/g, '<id>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b([A-Za-z]+)-[0-9A-Za-z]*\d[0-9A-Za-z]*\b/g, '$1-<id>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<id>'],
  // Quoted values (a field's content) and numbers.
  [/"(?:[^"\\]|\\.)*"/g, '"…"'],
  [/\d+(?:\.\d+)?/g, '<n>'],
]

/** The reason with the ids and numbers taken out. */
export function reasonPattern(reason: string): string {
  let pattern = reason
  for (const [regex, replacement] of PATTERNS) pattern = pattern.replace(regex, replacement)
  return pattern.replace(/\s+/g, ' ').trim()
}

export type Fingerprint = { fingerprint: string; projection: string; type: string; pattern: string }

export function fingerprintOf(projection: string, type: string | undefined, reason: string): Fingerprint {
  const pattern = reasonPattern(reason)
  const kind = type || '(no type)'
  const fingerprint = crypto.createHash('sha1').update(`${projection}\n${kind}\n${pattern}`).digest('hex').slice(0, 12)
  return { fingerprint, projection, type: kind, pattern }
}
