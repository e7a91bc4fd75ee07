import type { PayloadRequest, Where } from 'payload'

import type { Conversation } from '@/payload-types'

import { bandOf, bucketsOf, type Figures, figuresFrom, median, type Range, type Tally } from './figures'

export type Analytics = Figures & { activeNow: number; waitingOnAssistant: number }

const COLLECTION = 'conversations'

const inRange = (field: string, after: string, before: string): Where => ({
  and: [{ [field]: { greater_than_equal: after } }, { [field]: { less_than: before } }],
})

/**
 * The figures for `range`, counted by the database: no row is read into memory but the one or
 * two in the middle of the decisions (the median). Per bucket, three indexed counts (started,
 * approved, declined); the risk bands of the range's declines, then one count each; the median
 * by position in the decisions sorted by their `msToDecision`; two counts for what is
 * active now. Through the adapter, with the user's read access applied as a where.
 *
 * Counting, not reading, keeps the cost independent of how many conversations the range holds
 * (the adapter turns each row it reads into a document over every field, ~15 µs a row); it grows
 * with the number of buckets instead, ~0.2 ms a count here.
 */
export async function analyticsFor(req: PayloadRequest, range: Range): Promise<Analytics> {
  const access = await req.payload.collections.conversations.config.access.read({ req })
  if (!access) throw new Error('not allowed to read conversations')
  const readable = (where: Where): Where => (access === true ? where : { and: [access, where] })
  const count = async (where: Where) =>
    (await req.payload.db.count({ collection: COLLECTION, where: readable(where), req })).totalDocs

  const from = Date.parse(range.from)
  const to = Date.parse(range.to)
  const buckets = bucketsOf(range).map(({ start, end }) => [
    new Date(Math.max(start, from)).toISOString(),
    new Date(Math.min(end, to)).toISOString(),
  ])
  const perBucket = (field: string, where?: Where) =>
    Promise.all(
      buckets.map(([after, before]) =>
        count(where ? { and: [where, inRange(field, after!, before!)] } : inRange(field, after!, before!)),
      ),
    )
  const decided = inRange('decidedAt', range.from, range.to)

  const [started, approved, declined, declinesByRiskBand, medianMinutesToDecision, activeNow, waitingOnAssistant] =
    await Promise.all([
      perBucket('startedAt'),
      perBucket('decidedAt', { finalDecision: { equals: 'approved' } }),
      perBucket('decidedAt', { finalDecision: { equals: 'declined' } }),
      declinesByBand(req, readable, count, { and: [{ finalDecision: { equals: 'declined' } }, decided] }),
      medianMinutes(req, readable, count, { and: [decided, { msToDecision: { exists: true } }] }),
      count({ status: { equals: 'active' } }),
      count({ and: [{ status: { equals: 'active' } }, { waitingOn: { equals: 'assistant' } }] }),
    ])
  const tally: Tally = { started, approved, declined, medianMinutesToDecision, declinesByRiskBand }
  return { ...figuresFrom(range, tally), activeNow, waitingOnAssistant }
}

type Readable = (where: Where) => Where
type Count = (where: Where) => Promise<number>

/** The declines per risk band: the bands the declines name (distinct), then a count of each. */
async function declinesByBand(req: PayloadRequest, readable: Readable, count: Count, declines: Where) {
  const { values } = await req.payload.db.findDistinct({
    collection: COLLECTION,
    field: 'identityRiskBand',
    where: readable(declines),
    req,
  })
  const bands = values.map((value) => (value.identityRiskBand as string | null | undefined) ?? null)
  const counts = await Promise.all(
    bands.map((band) =>
      count({
        and: [declines, band ? { identityRiskBand: { equals: band } } : { identityRiskBand: { exists: false } }],
      }),
    ),
  )
  const byBand = new Map<string, number>()
  bands.forEach((band, i) => byBand.set(bandOf(band), (byBand.get(bandOf(band)) ?? 0) + counts[i]!))
  return byBand
}

/** The median of the decisions' minutes to decision: the middle one (or two) by position, in their order. */
async function medianMinutes(req: PayloadRequest, readable: Readable, count: Count, decisions: Where) {
  const total = await count(decisions)
  if (total === 0) return null
  const at = async (position: number) => {
    const { docs } = await req.payload.db.find<Pick<Conversation, 'msToDecision'>>({
      collection: COLLECTION,
      where: readable(decisions),
      sort: 'msToDecision',
      select: { msToDecision: true },
      limit: 1,
      page: position + 1,
      req,
    })
    return docs[0]?.msToDecision
  }
  const middle = total >> 1
  const values = await Promise.all((total % 2 ? [middle] : [middle - 1, middle]).map(at))
  // (null only when decisions went away between the count and the read)
  return values.every((value) => typeof value === 'number') ? median(values as number[])! / 60_000 : null
}
