/**
 * The facts the dashboard and the portal both keep about an application: its outcome and its
 * amounts. Each projection folds them from the same events on its own, so once both have reached
 * the same stream position they must agree; a difference is drift (a bug in a fold, a record
 * changed behind a projection's back) and a rebuild's reason.
 */
export type SharedFacts = {
  outcome: string
  loanAmount: number | null
  loanFee: number | null
  loanTotalPayable: number | null
  loanTerm: number | null
}

export const SHARED_FACTS = ['outcome', 'loanAmount', 'loanFee', 'loanTotalPayable', 'loanTerm'] as const

const amount = (value: unknown) => (typeof value === 'number' ? value : null)

const factsOf = (application: Record<string, unknown>, outcome: unknown): SharedFacts => ({
  outcome: typeof outcome === 'string' ? outcome : 'pending',
  loanAmount: amount(application.loanAmount),
  loanFee: amount(application.loanFee),
  loanTotalPayable: amount(application.loanTotalPayable),
  loanTerm: amount(application.loanTerm),
})

/** The dashboard's application (its columns as stored, or its state) as shared facts. */
export const dashboardFacts = (application: Record<string, unknown>): SharedFacts =>
  factsOf(application, application.applicationOutcome)

/** The portal's application as shared facts. */
export const portalFacts = (application: Record<string, unknown>): SharedFacts =>
  factsOf(application, application.outcome)

/** The shared facts on which two views of one application differ (empty when they agree). */
export const disagreements = (dashboard: SharedFacts, portal: SharedFacts): Array<(typeof SHARED_FACTS)[number]> =>
  SHARED_FACTS.filter((fact) => dashboard[fact] !== portal[fact])
