/**
 * Comparing what a projection's folds say with what is stored, field by field. Values are
 * compared as a reader sees them: dates as instants, absent, null, empty arrays and empty groups
 * alike, array rows without the ids the database gave them, object keys in any order.
 */
import crypto from 'node:crypto'

import { isDeepEqual } from '@/projections/changed'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$/

/** A value as a reader sees it (see above); undefined for "nothing". */
export function normalise(value: unknown): unknown {
  if (value === null) return undefined
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.length ? value.map(normalise) : undefined
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      const normalised = key === 'id' ? undefined : normalise(inner)
      if (normalised !== undefined) out[key] = normalised
    }
    return Object.keys(out).length ? out : undefined
  }
  if (typeof value === 'string' && ISO_DATE.test(value)) {
    const time = Date.parse(value)
    return Number.isNaN(time) ? value : new Date(time).toISOString()
  }
  return value
}

/**
 * The value as a reader sees it (as `normalise` gives it), as JSON with sorted keys: values that
 * read alike give the same text. In one pass, with nothing built on the way (a million lines are
 * digested twice each in a verify); undefined for "nothing".
 */
function readText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  if (value instanceof Date) return `"${value.toISOString()}"`
  if (Array.isArray(value))
    return value.length ? `[${value.map((inner) => readText(inner) ?? 'null').join(',')}]` : undefined
  if (typeof value === 'object') {
    let text = ''
    for (const key of Object.keys(value).sort()) {
      if (key === 'id') continue
      const inner = readText((value as Record<string, unknown>)[key])
      if (inner !== undefined) text += `${text ? ',' : ''}${JSON.stringify(key)}:${inner}`
    }
    return text ? `{${text}}` : undefined
  }
  return JSON.stringify(normalise(value))
}

/**
 * A short fingerprint of a row's content as a reader sees it: 96 bits of its SHA-1 (one-shot
 * `crypto.hash`, a third of the cost of a Hash object for a short text).
 */
export const digestOf = (row: Record<string, unknown>): string =>
  crypto.hash('sha1', readText(row) ?? '{}', 'base64url').slice(0, 16)

/** Whether two values read alike; the same JSON text (the common case, cheap) is enough. */
function sameAsRead(stored: unknown, expected: unknown): boolean {
  if (stored === expected && (typeof expected !== 'object' || expected === null)) return true
  if (typeof expected === 'object' && JSON.stringify(stored) === JSON.stringify(expected)) return true
  return isDeepEqual(normalise(stored), normalise(expected))
}

/**
 * The fields of a stored record that differ from what the folds say: `projection` when the
 * stored bookkeeping differs, and each column (the state's fields, links and copies) by name.
 */
export function differingFields(
  expected: { state: Record<string, unknown>; columns: Record<string, unknown> },
  stored: Record<string, unknown>,
): string[] {
  const fields: string[] = []
  if (!sameAsRead(stored.projection, expected.state)) fields.push('projection')
  for (const [field, value] of Object.entries(expected.columns)) {
    if (!sameAsRead(stored[field], value)) fields.push(field)
  }
  return fields
}
