/**
 * Alert rules, pure: conditions read from a snapshot (and the previous tick's counts), and a state
 * machine that fires an alert once its condition has held for the rule's `for` time and resolves
 * it only once the condition has been clear for ALERT_CLEAR_FOR_SECONDS, so a value that wobbles
 * around its threshold does not flap. src/ops/monitor.ts runs it and delivers the transitions.
 */
import type { OpsSettings } from './settings'
import type { Snapshot } from './snapshot'

export const ALERT_RULES = [
  'lag',
  'dead-letters-growing',
  'no-live-worker',
  'feed-publish-failing',
  'circuit-open',
] as const
export type AlertRule = (typeof ALERT_RULES)[number]

/** One rule about one subject (a projection), as observed on one tick. */
export type Condition = {
  rule: AlertRule
  subject: string
  active: boolean
  /** What an operator reads: the rule and the figure. */
  summary: string
  value: number
  /** How long it must hold before the alert fires. */
  forMs: number
}

export type AlertState = {
  rule: AlertRule
  subject: string
  /** `pending`: true, not yet for long enough; `firing`: announced. */
  status: 'pending' | 'firing'
  since: number
  firedAt?: number
  /** When its condition was last seen clear while firing (resolves after ALERT_CLEAR_FOR_SECONDS). */
  clearSince?: number
  summary: string
  value: number
}

export type FiringAlert = {
  id: string
  rule: AlertRule
  subject: string
  summary: string
  value: number
  firedAt: string
}

/** What the rules remember between ticks: alert states, and the counts that "growing" compares. */
export type AlertMemory = {
  alerts: Record<string, AlertState>
  counts: Record<string, number>
}

export const emptyMemory = (): AlertMemory => ({ alerts: {}, counts: {} })

export const alertId = (rule: AlertRule, subject: string) => `${rule}:${subject}`

/** The rules' conditions on this snapshot; `counts` are the previous tick's (growth rules). */
export function conditionsOf(
  snapshot: Snapshot,
  counts: Record<string, number>,
  settings: Pick<OpsSettings, 'alertLagSeconds' | 'alertLagForSeconds'>,
): { conditions: Condition[]; counts: Record<string, number> } {
  const conditions: Condition[] = []
  const next: Record<string, number> = {}
  for (const p of snapshot.projections) {
    const subject = p.name
    conditions.push({
      rule: 'lag',
      subject,
      active: p.lagSeconds > settings.alertLagSeconds,
      summary: `${subject}: lag ${Math.round(p.lagSeconds)} s (${p.lagEntries} entries) > ${settings.alertLagSeconds}s`,
      value: p.lagSeconds,
      forMs: settings.alertLagForSeconds * 1_000,
    })
    const deadKey = `deadLetters:${subject}`
    next[deadKey] = p.deadLetters
    const before = counts[deadKey]
    conditions.push({
      rule: 'dead-letters-growing',
      subject,
      active: before !== undefined && p.deadLetters > before,
      summary: `${subject}: dead letters growing (${p.deadLetters} waiting)`,
      value: p.deadLetters,
      forMs: 0,
    })
    conditions.push({
      rule: 'no-live-worker',
      subject,
      active: p.workersAlive === 0,
      summary: `${subject}: no live worker`,
      value: p.workersAlive,
      forMs: 0,
    })
    const feedKey = `feedFailures:${subject}`
    next[feedKey] = p.totals.feedPublishFailures
    const failuresBefore = counts[feedKey]
    conditions.push({
      rule: 'feed-publish-failing',
      subject,
      active: failuresBefore !== undefined && p.totals.feedPublishFailures > failuresBefore,
      summary: `${subject}: change feed publishes failing (${p.totals.feedPublishFailures} so far)`,
      value: p.totals.feedPublishFailures,
      forMs: 0,
    })
    const open = p.workers.filter((worker) => worker.alive && worker.state === 'circuit-open')
    conditions.push({
      rule: 'circuit-open',
      subject,
      active: open.length > 0,
      summary: `${subject}: circuit breaker open on ${open.map((worker) => worker.consumer).join(', ') || 'no worker'}`,
      value: open.length,
      forMs: 0,
    })
  }
  return { conditions, counts: next }
}

const toFiring = (id: string, state: AlertState): FiringAlert => ({
  id,
  rule: state.rule,
  subject: state.subject,
  summary: state.summary,
  value: state.value,
  firedAt: new Date(state.firedAt ?? state.since).toISOString(),
})

/** One tick of the state machine: the next states, and what fired and resolved on it. */
export function evaluate(
  alerts: Record<string, AlertState>,
  conditions: Condition[],
  now: number,
  clearForMs: number,
): { alerts: Record<string, AlertState>; fired: FiringAlert[]; resolved: FiringAlert[] } {
  const next: Record<string, AlertState> = {}
  const fired: FiringAlert[] = []
  const resolved: FiringAlert[] = []
  for (const condition of conditions) {
    const id = alertId(condition.rule, condition.subject)
    const state = alerts[id]
    const observed = { summary: condition.summary, value: condition.value }
    if (condition.active) {
      const current: AlertState = state
        ? { ...state, ...observed, clearSince: undefined }
        : { rule: condition.rule, subject: condition.subject, status: 'pending', since: now, ...observed }
      if (current.status === 'pending' && now - current.since >= condition.forMs) {
        current.status = 'firing'
        current.firedAt = now
        fired.push(toFiring(id, current))
      }
      next[id] = current
    } else if (state?.status === 'firing') {
      const clearSince = state.clearSince ?? now
      if (now - clearSince >= clearForMs) resolved.push(toFiring(id, { ...state, ...observed }))
      else next[id] = { ...state, clearSince }
    }
    // A pending alert whose condition clears is forgotten: it never fired.
  }
  return { alerts: next, fired, resolved }
}

export const firingOf = (alerts: Record<string, AlertState>): FiringAlert[] =>
  Object.entries(alerts)
    .filter(([, state]) => state.status === 'firing')
    .map(([id, state]) => toFiring(id, state))
