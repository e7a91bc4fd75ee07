/**
 * /api/metrics in the Prometheus text format (prom-client), for the whole deployment: the workers'
 * figures as they reported them to Redis (the snapshot), the alert rules' state, and this
 * process's own counters (portal requests, SSE clients). Each scrape builds a registry from one
 * snapshot, merged with the process registry.
 */
import { type MetricValue, Registry } from 'prom-client'

import { appRegistry } from './appMetrics'
import type { FiringAlert } from './alerts'
import type { Snapshot } from './snapshot'

type Kind = 'counter' | 'gauge' | 'histogram'
type Value = { labels?: Record<string, string | number>; value: number; metricName?: string }

/** A metric whose values come from elsewhere (Redis), set for one scrape. */
class Reported {
  readonly aggregator = 'sum' as const

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: Kind,
    private readonly values: Value[],
  ) {}

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values as MetricValue<string>[],
    }
  }

  reset() {}
}

const perProjection = (snapshot: Snapshot, value: (p: Snapshot['projections'][number]) => number): Value[] =>
  snapshot.projections.map((projection) => ({ labels: { projection: projection.name }, value: value(projection) }))

/** The deployment's metrics from one snapshot, as a registry (to merge with the process's). */
export function deploymentRegistry(snapshot: Snapshot, firing: FiringAlert[]): Registry {
  const registry = new Registry()
  const add = (name: string, help: string, type: Kind, values: Value[]) =>
    registry.registerMetric(new Reported(name, help, type, values) as never)

  add(
    'billie_events_projected_total',
    'Stream entries projected (committed), per projection, summed over every worker.',
    'counter',
    perProjection(snapshot, (p) => p.totals.processed),
  )
  add(
    'billie_events_skipped_total',
    'Stream entries acknowledged without effect (other agents, unknown types, deleted entries).',
    'counter',
    perProjection(snapshot, (p) => p.totals.skipped),
  )
  add(
    'billie_events_dead_lettered_total',
    'Stream entries moved to the dead-letter stream.',
    'counter',
    perProjection(snapshot, (p) => p.totals.deadLettered),
  )
  add(
    'billie_batch_retries_total',
    'Batch attempts that failed and were tried again (outages, isolating a poison event).',
    'counter',
    perProjection(snapshot, (p) => p.totals.retries),
  )
  add(
    'billie_change_feed_publish_failures_total',
    'Committed batches whose change-feed messages could not be published.',
    'counter',
    perProjection(snapshot, (p) => p.totals.feedPublishFailures),
  )
  const histogram: Value[] = []
  for (const projection of snapshot.projections) {
    const bounds = Object.keys(projection.batchHistogram.buckets)
      .filter((bound) => bound !== '+Inf')
      .map(Number)
      .sort((a, b) => a - b)
    let cumulative = 0
    for (const bound of bounds) {
      cumulative += projection.batchHistogram.buckets[String(bound)]!
      histogram.push({
        metricName: 'billie_batch_duration_seconds_bucket',
        labels: { projection: projection.name, le: bound },
        value: cumulative,
      })
    }
    const count = cumulative + (projection.batchHistogram.buckets['+Inf'] ?? 0)
    histogram.push(
      {
        metricName: 'billie_batch_duration_seconds_bucket',
        labels: { projection: projection.name, le: '+Inf' },
        value: count,
      },
      {
        metricName: 'billie_batch_duration_seconds_sum',
        labels: { projection: projection.name },
        value: projection.batchHistogram.sum,
      },
      { metricName: 'billie_batch_duration_seconds_count', labels: { projection: projection.name }, value: count },
    )
  }
  add('billie_batch_duration_seconds', 'How long a batch took, from read to acknowledged.', 'histogram', histogram)
  add(
    'billie_projection_lag_entries',
    'Stream entries not yet projected (pending + undelivered).',
    'gauge',
    perProjection(snapshot, (p) => p.lagEntries),
  )
  add(
    'billie_projection_lag_seconds',
    'Age of the oldest stream entry not yet projected (0 when caught up).',
    'gauge',
    perProjection(snapshot, (p) => p.lagSeconds),
  )
  add(
    'billie_projection_pending_entries',
    'Entries delivered to a worker and not yet acknowledged.',
    'gauge',
    perProjection(snapshot, (p) => p.pending),
  )
  add(
    'billie_workers_alive',
    'Workers of the projection with a recent heartbeat.',
    'gauge',
    perProjection(snapshot, (p) => p.workersAlive),
  )
  add(
    'billie_dead_letters',
    'Dead letters waiting in the projection’s dead-letter stream.',
    'gauge',
    perProjection(snapshot, (p) => p.deadLetters),
  )
  add(
    'billie_projection_rebuild_needed',
    '1 when the stored records were built by another version of the projection than the deployed one.',
    'gauge',
    perProjection(snapshot, (p) => (p.rebuildNeeded ? 1 : 0)),
  )
  add(
    'billie_alerts_firing',
    'Alerts firing now, by rule and subject (1 per firing alert).',
    'gauge',
    firing.map((alert) => ({ labels: { rule: alert.rule, subject: alert.subject }, value: 1 })),
  )
  return registry
}

/** The text a scrape gets: the deployment's metrics and this process's. */
export async function metricsText(snapshot: Snapshot, firing: FiringAlert[]): Promise<string> {
  return Registry.merge([deploymentRegistry(snapshot, firing), appRegistry()]).metrics()
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE
