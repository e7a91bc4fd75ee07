/** Deep equality of JSON-like values; key order does not matter. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const aEntries = Object.entries(a)
  const bRecord: Record<string, unknown> = { ...b }
  if (aEntries.length !== Object.keys(bRecord).length) return false
  return aEntries.every(([key, value]) => Object.hasOwn(bRecord, key) && isDeepEqual(value, bRecord[key]))
}

/**
 * The top-level fields that differ between two states of one record (`projection`, the
 * bookkeeping, included): what a write must set. Every field when there was no record before.
 */
export function changedFields<State extends object>(before: State | undefined, after: State): (keyof State & string)[] {
  const fields = Object.keys(after) as (keyof State & string)[]
  return before === undefined ? fields : fields.filter((field) => !isDeepEqual(before[field], after[field]))
}

/** Whether a write is needed to go from `before` to `after`. */
export function changed<State extends object>(before: State | undefined, after: State | undefined): boolean {
  if (after === undefined) return false
  return before !== after && changedFields(before, after).length > 0
}
