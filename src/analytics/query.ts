import type { PayloadRequest, Where } from 'payload'

import { type AnalyticsRow, type Figures, figuresOf, type Range } from './figures'

export type Analytics = Figures & { activeNow: number; waitingOnAssistant: number }

const SELECT = { startedAt: true, decidedAt: true, finalDecision: true, identityRiskBand: true } as const

/**
 * The figures for `range`: two range reads on indexed columns (conversations started in it,
 * conversations decided in it), four columns each, and two indexed counts for what is active
 * now. Read through the adapter with the user's read access applied as a where.
 */
export async function analyticsFor(req: PayloadRequest, range: Range): Promise<Analytics> {
  const access = await req.payload.collections.conversations.config.access.read({ req })
  if (!access) throw new Error('not allowed to read conversations')
  const readable = access === true ? [] : [access]
  const find = (where: Where) =>
    req.payload.db.find({
      collection: 'conversations',
      where: { and: [...readable, where] },
      select: SELECT,
      pagination: false,
      limit: 0,
      req,
    })
  const inRange = (field: string): Where => ({
    and: [{ [field]: { greater_than_equal: range.from } }, { [field]: { less_than: range.to } }],
  })
  const [startedIn, decidedIn, active, waiting] = await Promise.all([
    find(inRange('startedAt')),
    find(inRange('decidedAt')),
    req.payload.db.count({
      collection: 'conversations',
      where: { and: [...readable, { status: { equals: 'active' } }] },
      req,
    }),
    req.payload.db.count({
      collection: 'conversations',
      where: { and: [...readable, { status: { equals: 'active' } }, { waitingOn: { equals: 'assistant' } }] },
      req,
    }),
  ])
  const rows = new Map<string, AnalyticsRow>()
  for (const doc of [...startedIn.docs, ...decidedIn.docs]) rows.set(String(doc.id), doc as AnalyticsRow)
  return { ...figuresOf(rows.values(), range), activeNow: active.totalDocs, waitingOnAssistant: waiting.totalDocs }
}
