/**
 * The status a customer sees, from what the events say (the rule, written down in
 * docs/projections.md):
 *
 * | status         | when                                                                 |
 * |----------------|----------------------------------------------------------------------|
 * | `approved`     | the outcome is approved (a snapshot's outcome or final_decision)     |
 * | `declined`     | the outcome is declined                                              |
 * | `withdrawn`    | the outcome is withdrawn                                             |
 * | `under_review` | no outcome yet, and a lender check (identity, serviceability, fraud) |
 * |                | has come back                                                        |
 * | `submitted`    | no outcome or check yet, and the loan's details (its amount) are in  |
 * | `draft`        | otherwise: the application is being filled in                        |
 *
 * It moves forward as an application does (draft → submitted → under review → a decision),
 * and says nothing about what a check found.
 */
import type { ApplicationOutcome } from '@/events/types'

export const PORTAL_STATUSES = ['draft', 'submitted', 'under_review', 'approved', 'declined', 'withdrawn'] as const
export type PortalStatus = (typeof PORTAL_STATUSES)[number]

export type StatusFacts = {
  outcome: ApplicationOutcome
  /** A lender check has come back. */
  checked: boolean
  loanAmount: number | null
}

export function portalStatusOf({ outcome, checked, loanAmount }: StatusFacts): PortalStatus {
  if (outcome !== 'pending') return outcome
  if (checked) return 'under_review'
  return loanAmount === null ? 'draft' : 'submitted'
}

/** Stages complete / stages, as a whole percentage; 0 while the process is unknown. */
export function progressOf(stages: ReadonlyArray<{ complete: boolean }>): number {
  if (stages.length === 0) return 0
  return Math.round((stages.filter((stage) => stage.complete).length / stages.length) * 100)
}
