/**
 * "Needs attention": the rules that say a conversation wants a human, each with its threshold.
 * One definition serves both sides: `matches` decides from a conversation and a clock (the
 * card's reasons, the tests' oracle) and `where` builds the same decision as a Payload query
 * (the board's filter and its count, computed by the database). Rules read only what the
 * projection stores on a conversation; the clock is the caller's, so the worker never needs one
 * and changing a threshold needs no rebuild. Pure: imports only Payload's `Where` type.
 */
import type { Where } from 'payload'

export const FRAUD_RESULTS = ['PASS', 'REVIEW', 'FAIL'] as const
export type FraudResult = (typeof FRAUD_RESULTS)[number]

/** What the rules read: fields of a `conversations` record (null or absent when not known). */
export type AttentionSubject = {
  status?: string | null
  lastActivityAt?: string | null
  waitingOn?: 'customer' | 'assistant' | null
  questionRepeats?: number | null
  identityRiskScore?: number | null
  identityRiskBand?: string | null
  fraudResult?: string | null
  serviceable?: boolean | null
  currentStep?: string | null
  stepSince?: string | null
  finalDecision?: string | null
}

/** Each rule's threshold; a rule whose threshold is 0 (or an empty list, or false) is off. */
export type AttentionThresholds = {
  /** An active conversation with no message for this long. */
  idleSeconds: number
  /** The identity check's risk score at or above this. */
  identityRiskScore: number
  /** Fraud check results that want a look. */
  fraudResults: FraudResult[]
  /** Whether "not serviceable" flags a conversation. */
  notServiceable: boolean
  /** The application's process step unchanged this long. */
  stepSeconds: number
  /** The assistant asking one question this many times. */
  questionRepeats: number
  /** A soft end with no decision this long after the last message. */
  softEndSeconds: number
}

export const DEFAULT_THRESHOLDS: AttentionThresholds = {
  idleSeconds: 300,
  identityRiskScore: 70,
  fraudResults: ['REVIEW', 'FAIL'],
  notServiceable: true,
  stepSeconds: 900,
  questionRepeats: 3,
  softEndSeconds: 600,
}

/** Conversations still open to a human's help: not decided, not ended hard. */
export const OPEN_STATUSES = ['active', 'paused', 'soft_end'] as const

export type AttentionRuleId =
  'idle' | 'identityRisk' | 'fraud' | 'notServiceable' | 'stuckStep' | 'repeatedQuestion' | 'softEnd'

export type AttentionRule = {
  id: AttentionRuleId
  label: string
  /** The environment variable that sets its threshold (src/attention/settings.ts, .env.example). */
  setting: string
  enabled: (thresholds: AttentionThresholds) => boolean
  matches: (conversation: AttentionSubject, now: number, thresholds: AttentionThresholds) => boolean
  where: (now: number, thresholds: AttentionThresholds) => Where
  /** Why it is flagged, as a supervisor reads it on the card (only called when it matches). */
  reason: (conversation: AttentionSubject, now: number, thresholds: AttentionThresholds) => string
}

const isOpen = (status: string | null | undefined) => (OPEN_STATUSES as readonly string[]).includes(status ?? '')
const openWhere: Where = { status: { in: [...OPEN_STATUSES] } }
const all = (...clauses: Where[]): Where => ({ and: clauses })
const iso = (ms: number) => new Date(ms).toISOString()
/** Strictly before the cutoff, as the database compares canonical ISO timestamps. */
const before = (at: string | null | undefined, cutoff: number) => typeof at === 'string' && Date.parse(at) < cutoff

/** "4 min", "2 h 5 min", "45 s": how long, for reasons. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
}

const since = (at: string | null | undefined, now: number) => duration(now - Date.parse(at ?? ''))

export const ATTENTION_RULES: readonly AttentionRule[] = [
  {
    id: 'idle',
    label: 'Idle',
    setting: 'ATTENTION_IDLE_SECONDS',
    enabled: (t) => t.idleSeconds > 0,
    matches: (c, now, t) => c.status === 'active' && before(c.lastActivityAt, now - t.idleSeconds * 1000),
    where: (now, t) =>
      all({ status: { equals: 'active' } }, { lastActivityAt: { less_than: iso(now - t.idleSeconds * 1000) } }),
    reason: (c, now) => {
      const idle = since(c.lastActivityAt, now)
      if (c.waitingOn === 'assistant') return `Idle ${idle}: the customer is waiting for Billie`
      if (c.waitingOn === 'customer') return `Idle ${idle}: Billie is waiting for the customer`
      return `Idle ${idle}`
    },
  },
  {
    id: 'identityRisk',
    label: 'High identity risk',
    setting: 'ATTENTION_IDENTITY_RISK_SCORE',
    enabled: (t) => t.identityRiskScore > 0,
    matches: (c, _now, t) =>
      isOpen(c.status) && typeof c.identityRiskScore === 'number' && c.identityRiskScore >= t.identityRiskScore,
    where: (_now, t) => ({ and: [openWhere, { identityRiskScore: { greater_than_equal: t.identityRiskScore } }] }),
    reason: (c) => `Identity risk ${c.identityRiskScore}${c.identityRiskBand ? ` (${c.identityRiskBand})` : ''}`,
  },
  {
    id: 'fraud',
    label: 'Fraud check',
    setting: 'ATTENTION_FRAUD_RESULTS',
    enabled: (t) => t.fraudResults.length > 0,
    matches: (c, _now, t) => isOpen(c.status) && (t.fraudResults as readonly string[]).includes(c.fraudResult ?? ''),
    where: (_now, t) => ({ and: [openWhere, { fraudResult: { in: [...t.fraudResults] } }] }),
    reason: (c) =>
      `Fraud check: ${c.fraudResult === 'FAIL' ? 'failed' : c.fraudResult === 'REVIEW' ? 'review' : c.fraudResult}`,
  },
  {
    id: 'notServiceable',
    label: 'Not serviceable',
    setting: 'ATTENTION_NOT_SERVICEABLE',
    enabled: (t) => t.notServiceable,
    matches: (c) => isOpen(c.status) && c.serviceable === false,
    where: () => ({ and: [openWhere, { serviceable: { equals: false } }] }),
    reason: () => 'Not serviceable',
  },
  {
    id: 'stuckStep',
    label: 'Stuck on a step',
    setting: 'ATTENTION_STEP_SECONDS',
    enabled: (t) => t.stepSeconds > 0,
    matches: (c, now, t) => isOpen(c.status) && before(c.stepSince, now - t.stepSeconds * 1000),
    where: (now, t) => ({ and: [openWhere, { stepSince: { less_than: iso(now - t.stepSeconds * 1000) } }] }),
    reason: (c, now) => `${c.currentStep ? `On step ${c.currentStep}` : 'On one step'} for ${since(c.stepSince, now)}`,
  },
  {
    id: 'repeatedQuestion',
    label: 'Repeated question',
    setting: 'ATTENTION_QUESTION_REPEATS',
    enabled: (t) => t.questionRepeats > 0,
    matches: (c, _now, t) =>
      isOpen(c.status) && typeof c.questionRepeats === 'number' && c.questionRepeats >= t.questionRepeats,
    where: (_now, t) => ({ and: [openWhere, { questionRepeats: { greater_than_equal: t.questionRepeats } }] }),
    reason: (c) => `Billie asked the same question ${c.questionRepeats} times`,
  },
  {
    id: 'softEnd',
    label: 'Soft end, no decision',
    setting: 'ATTENTION_SOFT_END_SECONDS',
    enabled: (t) => t.softEndSeconds > 0,
    matches: (c, now, t) =>
      c.status === 'soft_end' && !c.finalDecision && before(c.lastActivityAt, now - t.softEndSeconds * 1000),
    where: (now, t) =>
      all(
        { status: { equals: 'soft_end' } },
        { finalDecision: { exists: false } },
        { lastActivityAt: { less_than: iso(now - t.softEndSeconds * 1000) } },
      ),
    reason: (c, now) => `Ended softly ${since(c.lastActivityAt, now)} ago with no decision`,
  },
]

export type AttentionReason = { rule: AttentionRuleId; label: string; text: string }

const enabledRules = (thresholds: AttentionThresholds) => ATTENTION_RULES.filter((rule) => rule.enabled(thresholds))

/** Why a conversation needs attention now: one reason per matching rule (none: it does not). */
export const attentionReasons = (
  conversation: AttentionSubject,
  now: number,
  thresholds: AttentionThresholds,
): AttentionReason[] =>
  enabledRules(thresholds)
    .filter((rule) => rule.matches(conversation, now, thresholds))
    .map((rule) => ({ rule: rule.id, label: rule.label, text: rule.reason(conversation, now, thresholds) }))

export const needsAttention = (conversation: AttentionSubject, now: number, thresholds: AttentionThresholds): boolean =>
  enabledRules(thresholds).some((rule) => rule.matches(conversation, now, thresholds))

/**
 * The same decision as `needsAttention`, as a query: any enabled rule. With every rule off, nothing
 * matches. Every rule asks for an open conversation, so that comes first, once, where the status
 * index can take it: the rules' OR is then weighed only for open conversations, not the closed bulk.
 */
export function attentionWhere(now: number, thresholds: AttentionThresholds): Where {
  const rules = enabledRules(thresholds)
  if (rules.length === 0) return { id: { exists: false } }
  return { and: [openWhere, { or: rules.map((rule) => rule.where(now, thresholds)) }] }
}

/** The fields the rules read, for `select` (a card needs them to say why it is flagged). */
export const ATTENTION_SELECT = {
  status: true,
  lastActivityAt: true,
  waitingOn: true,
  questionRepeats: true,
  identityRiskScore: true,
  identityRiskBand: true,
  fraudResult: true,
  serviceable: true,
  currentStep: true,
  stepSince: true,
  finalDecision: true,
} as const satisfies Record<keyof AttentionSubject, true>
