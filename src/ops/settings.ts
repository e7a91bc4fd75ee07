/**
 * Operations settings (health thresholds, tokens, alert rules, the webhook), parsed from the
 * environment with the helpers of src/lib/env.ts: checked when the process starts
 * (src/settings.ts), read where they are used. Documented one line each in .env.example.
 */
import { intSetting, positiveIntSetting, stringSetting, urlSetting } from '@/lib/env'

export type OpsSettings = {
  /** How long /api/health reuses its answer, so probes cannot load the system. */
  healthCacheMs: number
  /** A worker whose last heartbeat is older than this is not alive. */
  workerStaleMs: number
  /** Lag (age of the oldest entry not yet projected) above this makes health `degraded`. */
  lagDegradedSeconds: number
  /** Lag in entries above this makes health `degraded`. */
  lagDegradedEntries: number
  /** More dead letters than this (in one projection) make health `degraded`. */
  deadLettersDegraded: number
  /** How often the (paged, costly on a large database) agreement check between projections runs. */
  agreementEveryMs: number
  /** Bearer tokens for /api/health details and /api/metrics without an admin session (unset: session only). */
  healthToken?: string
  metricsToken?: string
  /** How often the monitor samples the charts and evaluates the alert rules. */
  monitorEveryMs: number
  /** Alert: lag above this many seconds … */
  alertLagSeconds: number
  /** … for this long. */
  alertLagForSeconds: number
  /** An alert resolves only once its condition has been clear this long (no flapping). */
  alertClearForSeconds: number
  alertWebhookUrl?: string
  /** Attempts per webhook delivery (1 s, 2 s, 4 s … between them) and the timeout of each. */
  alertWebhookAttempts: number
  alertWebhookTimeoutMs: number
}

const optional = (name: string): string | undefined => stringSetting(name, '') || undefined

export function opsSettings(): OpsSettings {
  return {
    healthCacheMs: intSetting('HEALTH_CACHE_MS', 1_500),
    workerStaleMs: positiveIntSetting('HEALTH_WORKER_STALE_MS', 30_000),
    lagDegradedSeconds: intSetting('HEALTH_LAG_DEGRADED_SECONDS', 60),
    lagDegradedEntries: intSetting('HEALTH_LAG_DEGRADED_ENTRIES', 10_000),
    deadLettersDegraded: intSetting('HEALTH_DEAD_LETTERS_DEGRADED', 0),
    agreementEveryMs: positiveIntSetting('HEALTH_AGREEMENT_EVERY_MS', 60_000),
    healthToken: optional('HEALTH_TOKEN'),
    metricsToken: optional('METRICS_TOKEN'),
    monitorEveryMs: positiveIntSetting('OPS_MONITOR_EVERY_MS', 10_000),
    alertLagSeconds: intSetting('ALERT_LAG_SECONDS', 120),
    alertLagForSeconds: intSetting('ALERT_LAG_FOR_SECONDS', 60),
    alertClearForSeconds: intSetting('ALERT_CLEAR_FOR_SECONDS', 120),
    alertWebhookUrl: urlSetting('ALERT_WEBHOOK_URL'),
    alertWebhookAttempts: positiveIntSetting('ALERT_WEBHOOK_ATTEMPTS', 5),
    alertWebhookTimeoutMs: positiveIntSetting('ALERT_WEBHOOK_TIMEOUT_MS', 5_000),
  }
}
