/**
 * Health as orchestrators expect it: `healthy` / `degraded` / `unhealthy`, from checks of Redis,
 * the database, each projection (live workers, lag in entries and seconds, pending, last batch,
 * stored version), dead letters and the agreement between projections. Answers are cached for
 * HEALTH_CACHE_MS and computed once however many probes ask meanwhile.
 */
import type { Payload } from 'payload'

import { olderCodeReason, rebuildReason } from '@/rebuild/control'

import { type Agreement, compareProjections } from './agreement'
import { opsRedis, within } from './redis'
import { opsSettings, type OpsSettings } from './settings'
import { type ProjectionSnapshot, readSnapshot, type Snapshot } from './snapshot'
import { describeError } from '@/lib/failures'

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy'
/** A check's verdict: `pass`, `warn` (degraded), `fail` (unhealthy). */
export type CheckStatus = 'pass' | 'warn' | 'fail'

export type DependencyCheck = { status: CheckStatus; latencyMs: number; error?: string }
export type ProjectionCheck = {
  status: CheckStatus
  /** Why it is not `pass`, in words an operator acts on. */
  problems: string[]
  workersAlive: number
  lagEntries: number
  lagSeconds: number
  pending: number
  lastBatchAt: string | null
  position: string
  deadLetters: number
  deployedVersion: number
  storedVersion: number | null
}
export type AgreementCheck = {
  status: CheckStatus
  checkedAt: string | null
  note?: string
  checked?: number
  disagreeing?: number
  missing?: number
  examples?: string[]
}

export type HealthReport = {
  status: HealthStatus
  checkedAt: string
  checks: {
    redis: DependencyCheck
    database: DependencyCheck
    projections: Record<string, ProjectionCheck>
    deadLetters: { status: CheckStatus; total: number; byProjection: Record<string, number> }
    agreement: AgreementCheck
  }
}

const DEPENDENCY_TIMEOUT_MS = 1_000

async function timed(check: () => Promise<unknown>, what: string): Promise<DependencyCheck> {
  const started = performance.now()
  try {
    await within(check(), DEPENDENCY_TIMEOUT_MS, what)
    return { status: 'pass', latencyMs: Math.round(performance.now() - started) }
  } catch (error) {
    return { status: 'fail', latencyMs: Math.round(performance.now() - started), error: describeError(error) }
  }
}

export const checkRedis = (payload: Payload) => timed(() => opsRedis(payload.logger).ping(), 'Redis')
export const checkDatabase = (payload: Payload) =>
  timed(() => payload.count({ collection: 'users', overrideAccess: true }), 'the database')

/** The verdict on one projection, from its snapshot. */
export function projectionCheck(projection: ProjectionSnapshot, settings: OpsSettings): ProjectionCheck {
  const problems: string[] = []
  if (!projection.exists) problems.push('no consumer group yet: no worker has run this projection')
  else if (projection.workersAlive === 0) problems.push('no live worker (no heartbeat within the stale limit)')
  if (projection.lagSeconds > settings.lagDegradedSeconds)
    problems.push(`lag ${Math.round(projection.lagSeconds)} s above ${settings.lagDegradedSeconds} s`)
  if (projection.lagEntries > settings.lagDegradedEntries)
    problems.push(`lag ${projection.lagEntries} entries above ${settings.lagDegradedEntries}`)
  if (projection.rebuildNeeded)
    problems.push(`rebuild needed: ${rebuildReason(projection.deployedVersion, projection.storedVersion)}`)
  if (projection.codeOlder) problems.push(olderCodeReason(projection.deployedVersion, projection.storedVersion))
  return {
    status: problems.length ? 'warn' : 'pass',
    problems,
    workersAlive: projection.workersAlive,
    lagEntries: projection.lagEntries,
    lagSeconds: Math.round(projection.lagSeconds * 10) / 10,
    pending: projection.pending,
    lastBatchAt: projection.lastBatchAt ? new Date(projection.lastBatchAt).toISOString() : null,
    position: projection.position,
    deadLetters: projection.deadLetters,
    deployedVersion: projection.deployedVersion,
    storedVersion: projection.storedVersion,
  }
}

type AgreementState = { at: number; result?: Agreement; error?: string; running?: Promise<void> }
const agreementState = ((globalThis as Record<symbol, AgreementState>)[Symbol.for('billie.health.agreement')] ??= {
  at: 0,
})

/**
 * The agreement check, run in the background at most every HEALTH_AGREEMENT_EVERY_MS and only
 * while every projection is caught up (a projection behind is missing records, not wrong).
 */
function agreementCheck(payload: Payload, snapshot: Snapshot | undefined, settings: OpsSettings): AgreementCheck {
  const caughtUp = snapshot?.projections.every((projection) => projection.lagEntries === 0)
  const due = Date.now() - agreementState.at >= settings.agreementEveryMs
  if (caughtUp && due && !agreementState.running) {
    agreementState.running = compareProjections(payload)
      .then((result) => Object.assign(agreementState, { result, error: undefined }))
      .catch((error) => Object.assign(agreementState, { error: describeError(error) }))
      .finally(() => Object.assign(agreementState, { at: Date.now(), running: undefined }))
      .then(() => undefined)
  }
  const checkedAt = agreementState.at ? new Date(agreementState.at).toISOString() : null
  if (agreementState.error) return { status: 'warn', checkedAt, note: `check failed: ${agreementState.error}` }
  const result = agreementState.result
  if (!result)
    return { status: 'pass', checkedAt, note: caughtUp ? 'first check running' : 'waits until projections catch up' }
  return {
    status: result.disagreeing.length ? 'warn' : 'pass',
    checkedAt,
    checked: result.checked,
    disagreeing: result.disagreeing.length,
    missing: result.missing.length,
    examples: result.disagreeing.slice(0, 5).map((row) => `${row.applicationNumber}: ${row.facts.join(', ')}`),
  }
}

const verdict = (statuses: CheckStatus[]): HealthStatus =>
  statuses.includes('fail') ? 'unhealthy' : statuses.includes('warn') ? 'degraded' : 'healthy'

async function computeHealth(payload: Payload, settings: OpsSettings): Promise<HealthReport> {
  const [redis, database] = await Promise.all([checkRedis(payload), checkDatabase(payload)])
  let snapshot: Snapshot | undefined
  if (redis.status === 'pass') {
    snapshot = await within(
      readSnapshot(opsRedis(payload.logger), { staleMs: settings.workerStaleMs }),
      DEPENDENCY_TIMEOUT_MS,
      'Redis',
    ).catch((error) => {
      Object.assign(redis, { status: 'fail', error: describeError(error) })
      return undefined
    })
  }
  const projections = Object.fromEntries(
    (snapshot?.projections ?? []).map((projection) => [projection.name, projectionCheck(projection, settings)]),
  )
  const byProjection = Object.fromEntries((snapshot?.projections ?? []).map((p) => [p.name, p.deadLetters]))
  const total = Object.values(byProjection).reduce((sum, count) => sum + count, 0)
  const deadLetters = {
    status: (snapshot?.projections.some((p) => p.deadLetters > settings.deadLettersDegraded)
      ? 'warn'
      : 'pass') as CheckStatus,
    total,
    byProjection,
  }
  const agreement =
    database.status === 'pass'
      ? agreementCheck(payload, snapshot, settings)
      : { status: 'pass' as const, checkedAt: null, note: 'database unreachable' }
  const statuses = [
    redis.status,
    database.status,
    ...Object.values(projections).map((check) => check.status),
    deadLetters.status,
    agreement.status,
  ]
  return {
    status: verdict(statuses),
    checkedAt: new Date().toISOString(),
    checks: { redis, database, projections, deadLetters, agreement },
  }
}

type Cached<T> = { at: number; report: Promise<T> }
type Cache = { health?: Cached<HealthReport>; ready?: Cached<Readiness> }
const cache = ((globalThis as Record<symbol, Cache>)[Symbol.for('billie.health')] ??= {})

/** The health report, reused for HEALTH_CACHE_MS; concurrent callers share one computation. */
export function health(payload: Payload, settings = opsSettings()): Promise<HealthReport> {
  const now = Date.now()
  if (cache.health && now - cache.health.at < settings.healthCacheMs) return cache.health.report
  const report = computeHealth(payload, settings)
  cache.health = { at: now, report }
  return report
}

export type Readiness = { status: 'ready' | 'not ready'; checks: { redis: DependencyCheck; database: DependencyCheck } }

/** Whether the database and Redis answer (cached like health). */
export function readiness(payload: Payload, settings = opsSettings()): Promise<Readiness> {
  const now = Date.now()
  if (cache.ready && now - cache.ready.at < settings.healthCacheMs) return cache.ready.report
  const report = Promise.all([checkRedis(payload), checkDatabase(payload)]).then(([redis, database]): Readiness => ({
    status: redis.status === 'pass' && database.status === 'pass' ? 'ready' : 'not ready',
    checks: { redis, database },
  }))
  cache.ready = { at: now, report }
  return report
}

/** Forgets cached answers (tests that change the world between probes). */
export function forgetHealth(): void {
  cache.health = undefined
  cache.ready = undefined
  Object.assign(agreementState, { at: 0, result: undefined, error: undefined })
}
