/**
 * The analytics view's figures from conversations' indexed columns (never transcript lines).
 * Pure: counts in, figures out; and the same counts taken from rows in memory, the oracle the
 * database's counts are checked against.
 */
import { type Bucket, nextStart, startOf } from './zone'

export type AnalyticsRow = {
  startedAt?: string | null
  decidedAt?: string | null
  finalDecision?: 'approved' | 'declined' | null
  identityRiskBand?: string | null
}

/** A range of time, counted per hour or per day as they run in the business's time zone. */
export type Range = { from: string; to: string; bucket: Bucket; timeZone: string }

export type Figures = {
  range: Range
  /** Conversations started in each bucket (`at`: the instant the bucket starts). */
  started: Array<{ at: string; count: number }>
  /** Decisions made in each bucket, and the share approved (null where none). */
  decisions: Array<{ at: string; approved: number; declined: number; approvalRate: number | null }>
  totals: { started: number; approved: number; declined: number; approvalRate: number | null }
  /** Median minutes from start to decision, of the decisions made in the range. */
  medianMinutesToDecision: number | null
  /** Declines in the range by identity risk band (none: "Unknown"). */
  declinesByRiskBand: Array<{ band: string; count: number }>
}

/**
 * Each bucket the range touches, as instants: local days (23, 24 or 25 hours long) or clock
 * hours in the range's time zone. The first may begin before `from`, the last end after `to`.
 */
export function bucketsOf({ from, to, bucket, timeZone }: Range): Array<{ start: number; end: number }> {
  const buckets: Array<{ start: number; end: number }> = []
  const end = Date.parse(to)
  for (let start = startOf(Date.parse(from), bucket, timeZone); start < end;) {
    const next = nextStart(start, bucket, timeZone)
    buckets.push({ start, end: next })
    start = next
  }
  return buckets
}

const within = (iso: string | null | undefined, from: number, to: number): iso is string => {
  if (!iso) return false
  const ms = Date.parse(iso)
  return ms >= from && ms < to
}

const rate = (approved: number, declined: number) =>
  approved + declined === 0 ? null : approved / (approved + declined)

export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * What the figures are made of: counts per bucket (the range's buckets, in order), the median
 * time to decision, and declines per risk band. The query counts them in the database; the
 * oracle (`tallyOf`) counts them from rows; `figuresFrom` makes both into the same figures.
 */
export type Tally = {
  started: number[]
  approved: number[]
  declined: number[]
  medianMinutesToDecision: number | null
  declinesByRiskBand: Map<string, number>
}

/** The band a decline is counted under. */
export const bandOf = (band: string | null | undefined) => band || 'Unknown'

/** The tally of `rows` in `range`, counted in memory: the oracle the query is checked against. */
export function tallyOf(rows: Iterable<AnalyticsRow>, range: Range): Tally {
  const from = Date.parse(range.from)
  const to = Date.parse(range.to)
  const buckets = bucketsOf(range)
  const bucketOf = (iso: string) => {
    const ms = Date.parse(iso)
    return buckets.findIndex(({ start, end }) => ms >= start && ms < end)
  }
  const tally: Tally = {
    started: buckets.map(() => 0),
    approved: buckets.map(() => 0),
    declined: buckets.map(() => 0),
    medianMinutesToDecision: null,
    declinesByRiskBand: new Map(),
  }
  const durations: number[] = []
  for (const row of rows) {
    if (within(row.startedAt, from, to)) tally.started[bucketOf(row.startedAt)]!++
    if (row.finalDecision && within(row.decidedAt, from, to)) {
      tally[row.finalDecision][bucketOf(row.decidedAt)]!++
      if (row.startedAt) durations.push(Date.parse(row.decidedAt) - Date.parse(row.startedAt))
      if (row.finalDecision === 'declined') {
        const band = bandOf(row.identityRiskBand)
        tally.declinesByRiskBand.set(band, (tally.declinesByRiskBand.get(band) ?? 0) + 1)
      }
    }
  }
  // The median in milliseconds, then minutes, as the database's is taken
  const middle = median(durations)
  tally.medianMinutesToDecision = middle === null ? null : middle / 60_000
  return tally
}

const sum = (counts: number[]) => counts.reduce((total, count) => total + count, 0)

/** The figures of a tally. */
export function figuresFrom(range: Range, tally: Tally): Figures {
  const starts = bucketsOf(range).map(({ start }) => new Date(start).toISOString())
  const approved = sum(tally.approved)
  const declined = sum(tally.declined)
  return {
    range,
    started: starts.map((at, i) => ({ at, count: tally.started[i]! })),
    decisions: starts.map((at, i) => ({
      at,
      approved: tally.approved[i]!,
      declined: tally.declined[i]!,
      approvalRate: rate(tally.approved[i]!, tally.declined[i]!),
    })),
    totals: { started: sum(tally.started), approved, declined, approvalRate: rate(approved, declined) },
    medianMinutesToDecision: tally.medianMinutesToDecision,
    declinesByRiskBand: [...tally.declinesByRiskBand.entries()]
      // (a band the database listed can be gone by the time it is counted)
      .filter(([, count]) => count > 0)
      .map(([band, count]) => ({ band, count }))
      .sort((a, b) => b.count - a.count || a.band.localeCompare(b.band)),
  }
}

/** The figures of `rows` in `range`, computed in memory. */
export const figuresOf = (rows: Iterable<AnalyticsRow>, range: Range): Figures =>
  figuresFrom(range, tallyOf(rows, range))
