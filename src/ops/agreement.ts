/**
 * Whether the dashboard and the portal agree on the facts they share, application by
 * application, read from what each has stored. An application one of them does not have yet is
 * reported as missing, not as a disagreement: a projection that is behind is not wrong.
 */
import type { Payload } from 'payload'

import { dashboardFacts, disagreements, portalFacts } from '@/projections/agreement'

export type Agreement = {
  checked: number
  disagreeing: Array<{ applicationNumber: string; facts: string[]; dashboard: object; portal: object }>
  /** In one projection and not (yet) the other. */
  missing: Array<{ applicationNumber: string; from: 'dashboard' | 'portal' }>
}

const PAGE = 1_000

type Row = Record<string, unknown>
const selectOf = (fields: string[]) => Object.fromEntries(fields.map((field) => [field, true])) as Record<string, true>
const FACT_COLUMNS = ['applicationNumber', 'loanAmount', 'loanFee', 'loanTotalPayable', 'loanTerm']
const numberOf = (row: Row) => String(row.applicationNumber)

/**
 * Compares the applications named, or (none named) every application, a page at a time so a
 * large projection is never read whole.
 */
export async function compareProjections(payload: Payload, applicationNumbers?: string[]): Promise<Agreement> {
  const agreement: Agreement = { checked: 0, disagreeing: [], missing: [] }
  const seen = new Set<string>()
  for (let page = 1; ; page++) {
    const dashboardPage = await payload.db.find({
      collection: 'applications',
      where: applicationNumbers ? { applicationNumber: { in: applicationNumbers } } : undefined,
      sort: 'applicationNumber',
      limit: PAGE,
      page,
      select: selectOf([...FACT_COLUMNS, 'applicationOutcome']),
    })
    const dashboardRows = dashboardPage.docs as unknown as Row[]
    const { docs } = await payload.db.find({
      collection: 'portal-applications',
      where: { applicationNumber: { in: dashboardRows.map(numberOf) } },
      limit: 0,
      pagination: false,
      select: selectOf([...FACT_COLUMNS, 'outcome']),
    })
    const portalByNumber = new Map((docs as unknown as Row[]).map((row) => [numberOf(row), row]))
    for (const row of dashboardRows) {
      const applicationNumber = numberOf(row)
      seen.add(applicationNumber)
      const portal = portalByNumber.get(applicationNumber)
      if (!portal) {
        agreement.missing.push({ applicationNumber, from: 'portal' })
        continue
      }
      agreement.checked++
      const dashboardSide = dashboardFacts(row)
      const portalSide = portalFacts(portal)
      const facts = disagreements(dashboardSide, portalSide)
      if (facts.length)
        agreement.disagreeing.push({ applicationNumber, facts, dashboard: dashboardSide, portal: portalSide })
    }
    if (!dashboardPage.hasNextPage) break
  }
  for (const applicationNumber of applicationNumbers ?? []) {
    if (!seen.has(applicationNumber)) agreement.missing.push({ applicationNumber, from: 'dashboard' })
  }
  return agreement
}
