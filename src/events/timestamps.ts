const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/
/** `toISOString()`'s own form: UTC, milliseconds, four-digit year. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ].*)?$/

const offsetMinutes = (zone: string | undefined): number => {
  if (!zone || zone.toUpperCase() === 'Z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'))
}

/** Whether y-m-d h:mi:s names a real instant (Date.UTC silently rolls 31 Feb over into March). */
const isRealDate = (date: Date, year: number, month: number, day: number): boolean =>
  date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day

/**
 * An ISO 8601 timestamp as a canonical UTC `toISOString()` string (so timestamps compare as
 * strings), or undefined when it is not one. A timestamp without a zone, as Python's naive
 * `isoformat()` writes it, is read as UTC: never as the reading machine's local time.
 */
export function toIsoTimestamp(text: string): string | undefined {
  if (CANONICAL.test(text)) {
    // Already as `toISOString()` writes it (most producers' form): itself, if it names a real instant.
    const ms = Date.parse(text)
    if (!Number.isNaN(ms) && new Date(ms).toISOString() === text) return text
  }
  const match = TIMESTAMP.exec(text.trim())
  if (!match) return undefined
  const [, y, mo, d, h, mi, s = '0', fraction = '0', zone] = match
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'))
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis))
  if (!isRealDate(local, year, month, day)) return undefined
  return new Date(local.getTime() - offsetMinutes(zone) * 60_000).toISOString()
}

/** A calendar date (`YYYY-MM-DD`, or the date part of a timestamp as written), or undefined. */
export function toIsoDate(text: string): string | undefined {
  const match = DATE.exec(text.trim())
  if (!match) return undefined
  const [, y, mo, d] = match
  const [year, month, day] = [y, mo, d].map(Number) as [number, number, number]
  if (!isRealDate(new Date(Date.UTC(year, month - 1, day)), year, month, day)) return undefined
  return `${y}-${mo}-${d}`
}
