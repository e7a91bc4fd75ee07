/**
 * The analytics view's figures from conversations' indexed columns (never transcript lines).
 * Pure: the rows and the range in, the figures out, so the same function is checked against the
 * projection's oracle.
 */
export type AnalyticsRow = {
  startedAt?: string | null
  decidedAt?: string | null
  finalDecision?: 'approved' | 'declined' | null
  identityRiskBand?: string | null
}

export type Bucket = 'hour' | 'day'
export type Range = { from: string; to: string; bucket: Bucket }

export type Figures = {
  range: Range
  /** Conversations started in each bucket. */
  started: Array<{ at: string; count: number }>
  /** Decisions made in each bucket, and the share approved (null where none). */
  decisions: Array<{ at: string; approved: number; declined: number; approvalRate: number | null }>
  totals: { started: number; approved: number; declined: number; approvalRate: number | null }
  /** Median minutes from start to decision, of the decisions made in the range. */
  medianMinutesToDecision: number | null
  /** Declines in the range by identity risk band (none: "Unknown"). */
  declinesByRiskBand: Array<{ band: string; count: number }>
}

const HOUR = 3_600_000
export const stepOf = (bucket: Bucket) => (bucket === 'hour' ? HOUR : 24 * HOUR)

/** The start of the bucket holding `ms` (UTC hours and days). */
const floorTo = (ms: number, bucket: Bucket) => Math.floor(ms / stepOf(bucket)) * stepOf(bucket)

/** The start of each bucket the range touches (the first may begin before `from`). */
export function bucketsOf({ from, to, bucket }: Range): number[] {
  const starts: number[] = []
  for (let at = floorTo(Date.parse(from), bucket); at < Date.parse(to); at += stepOf(bucket)) starts.push(at)
  return starts
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
 * The figures of `rows` in `range`. `startedCounts`, when given, are the conversations started in
 * each of the range's buckets, counted elsewhere (then `rows` need only hold the decisions).
 */
export function figuresOf(rows: Iterable<AnalyticsRow>, range: Range, startedCounts?: number[]): Figures {
  const from = Date.parse(range.from)
  const to = Date.parse(range.to)
  const buckets = bucketsOf(range)
  const index = new Map(buckets.map((at, i) => [at, i]))
  const started = buckets.map((at, i) => ({ at: new Date(at).toISOString(), count: startedCounts?.[i] ?? 0 }))
  const decided = buckets.map(() => ({ approved: 0, declined: 0 }))
  const minutes: number[] = []
  const bands = new Map<string, number>()
  for (const row of rows) {
    if (!startedCounts && within(row.startedAt, from, to))
      started[index.get(floorTo(Date.parse(row.startedAt), range.bucket))!]!.count++
    if (row.finalDecision && within(row.decidedAt, from, to)) {
      decided[index.get(floorTo(Date.parse(row.decidedAt), range.bucket))!]![row.finalDecision]++
      if (row.startedAt) minutes.push((Date.parse(row.decidedAt) - Date.parse(row.startedAt)) / 60_000)
      if (row.finalDecision === 'declined') {
        const band = row.identityRiskBand || 'Unknown'
        bands.set(band, (bands.get(band) ?? 0) + 1)
      }
    }
  }
  const approved = decided.reduce((sum, bucket) => sum + bucket.approved, 0)
  const declined = decided.reduce((sum, bucket) => sum + bucket.declined, 0)
  return {
    range,
    started,
    decisions: decided.map((bucket, i) => ({
      at: started[i]!.at,
      ...bucket,
      approvalRate: rate(bucket.approved, bucket.declined),
    })),
    totals: {
      started: started.reduce((sum, bucket) => sum + bucket.count, 0),
      approved,
      declined,
      approvalRate: rate(approved, declined),
    },
    medianMinutesToDecision: median(minutes),
    declinesByRiskBand: [...bands.entries()]
      .map(([band, count]) => ({ band, count }))
      .sort((a, b) => b.count - a.count || a.band.localeCompare(b.band)),
  }
}
