/**
 * Calendar days and clock hours in one time zone, as instants (milliseconds since the epoch),
 * with nothing but Intl: it knows every zone's offsets and daylight-saving rules (Node and
 * browsers ship the full time zone data). Pure; used by the server to bucket and by the browser
 * to label, so both agree.
 *
 * Every zone in use today changes its clock on a quarter hour of UTC (Sydney at 16:00 UTC, Lord
 * Howe by half an hour, Nepal at +5:45), so a day or an hour always starts on a quarter hour:
 * each function estimates with the offset it sees, then steps by quarter hours until the local
 * clock says it has found the start. A Sydney day is 23, 24 or 25 hours long; an hour may be
 * repeated (02:00 twice when Sydney falls back) or skipped (no 02:00 when it springs forward).
 */

const QUARTER = 15 * 60_000
const HOUR = 60 * 60_000
const DAY = 24 * HOUR

export type Bucket = 'hour' | 'day'

const clocks = new Map<string, Intl.DateTimeFormat>()

function clockOf(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone)
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    clocks.set(timeZone, clock)
  }
  return clock
}

/** What a clock in `timeZone` reads at `ms`: the date (YYYY-MM-DD) and the time of day. */
export function wallClock(ms: number, timeZone: string) {
  const part: Record<string, string> = {}
  for (const { type, value } of clockOf(timeZone).formatToParts(ms)) part[type] = value
  return {
    date: `${part.year}-${part.month}-${part.day}`,
    hour: Number(part.hour),
    minute: Number(part.minute),
    /** Milliseconds since the start of the minute. */
    ms: Number(part.second) * 1000 + (((ms % 1000) + 1000) % 1000),
  }
}

const dateAt = (ms: number, timeZone: string) => wallClock(ms, timeZone).date
const minuteAt = (ms: number, timeZone: string) => wallClock(ms, timeZone).minute

/** The first instant of the local day holding `ms`. */
function startOfDay(ms: number, timeZone: string): number {
  const { date, hour, minute, ms: inMinute } = wallClock(ms, timeZone)
  let start = ms - (hour * 60 + minute) * 60_000 - inMinute
  while (dateAt(start, timeZone) !== date) start += QUARTER // the offset at midnight was smaller
  while (dateAt(start - QUARTER, timeZone) === date) start -= QUARTER // or larger
  return start
}

/** The first instant of the local day after the one starting at `start`. */
function nextDay(start: number, timeZone: string): number {
  const date = dateAt(start, timeZone)
  let next = start + DAY
  while (dateAt(next, timeZone) === date) next += QUARTER // a longer day
  while (dateAt(next - QUARTER, timeZone) !== date) next -= QUARTER // a shorter one
  return next
}

/** The first instant of the clock hour holding `ms`. */
function startOfHour(ms: number, timeZone: string): number {
  const { minute, ms: inMinute } = wallClock(ms, timeZone)
  let start = ms - minute * 60_000 - inMinute
  while (minuteAt(start, timeZone) !== 0) start -= QUARTER
  return start
}

/** The first instant of the clock hour after the one starting at `start`. */
function nextHour(start: number, timeZone: string): number {
  if (minuteAt(start + HOUR, timeZone) === 0) return start + HOUR
  let next = start + QUARTER
  while (minuteAt(next, timeZone) !== 0) next += QUARTER
  return next
}

/** The start of the bucket holding `ms`, in `timeZone`. */
export const startOf = (ms: number, bucket: Bucket, timeZone: string): number =>
  bucket === 'hour' ? startOfHour(ms, timeZone) : startOfDay(ms, timeZone)

/** The start of the bucket after the one starting at `start`, in `timeZone`. */
export const nextStart = (start: number, bucket: Bucket, timeZone: string): number =>
  bucket === 'hour' ? nextHour(start, timeZone) : nextDay(start, timeZone)

/** The first instant of the local calendar day `date` (YYYY-MM-DD) in `timeZone`. */
export function startOfDate(date: string, timeZone: string): number {
  // Noon UTC is on that date wherever the offset is within ±12 hours; a day either side otherwise.
  let noon = Date.parse(`${date}T12:00:00Z`)
  const there = dateAt(noon, timeZone)
  if (there > date) noon -= DAY
  if (there < date) noon += DAY
  return startOfDay(noon, timeZone)
}
