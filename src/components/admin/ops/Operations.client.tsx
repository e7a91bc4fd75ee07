'use client'
import { Link } from '@payloadcms/ui'
import React from 'react'

import type { FiringAlert } from '@/ops/alerts'
import type { Sample } from '@/ops/monitor'
import type { Snapshot } from '@/ops/snapshot'

import { usePoll } from './usePoll'

type Status = { snapshot: Snapshot; history: Record<string, Sample[]>; alerts: FiringAlert[]; staleMs: number }

/** A small line chart of the last hour (one point per monitor tick). */
function Sparkline({ values, label }: { values: number[]; label: string }) {
  const width = 160
  const height = 32
  if (values.length < 2) return <span className="billie-ops__muted">collecting…</span>
  const max = Math.max(1, ...values)
  const points = values
    .map((value, index) => `${(index / (values.length - 1)) * width},${height - (value / max) * (height - 2) - 1}`)
    .join(' ')
  return (
    <svg aria-label={label} className="billie-ops__spark" height={height} role="img" width={width}>
      <title>{`${label}: max ${Math.round(max)}`}</title>
      <polyline fill="none" points={points} stroke="currentColor" strokeWidth="1.5" />
    </svg>
  )
}

/** Events per second between consecutive samples. */
const throughputOf = (samples: Sample[]): number[] =>
  samples.slice(1).map((sample, i) => {
    const before = samples[i]!
    const seconds = (sample.t - before.t) / 1_000
    return seconds > 0 ? Math.max(0, (sample.processed - before.processed) / seconds) : 0
  })

const age = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`)

export function Operations() {
  const { data, error } = usePoll<Status>('/api/ops/status')
  if (!data) return <p>{error ? `Cannot read the operations status: ${error}` : 'Loading…'}</p>
  const { snapshot, history, alerts } = data
  return (
    <div>
      {error && <p className="billie-ops__error">Last refresh failed: {error} (showing the previous figures)</p>}
      {alerts.length > 0 && (
        <ul className="billie-ops__alerts" data-testid="ops-alerts">
          {alerts.map((alert) => (
            <li key={alert.id}>
              <strong>{alert.rule}</strong> {alert.summary} (since {new Date(alert.firedAt).toLocaleTimeString()})
            </li>
          ))}
        </ul>
      )}
      <p>
        Stream <code>{snapshot.stream}</code> · updated {new Date(snapshot.at).toLocaleTimeString()} ·{' '}
        <Link href="/admin/operations/dead-letters" prefetch={false}>
          Dead letters ({snapshot.projections.reduce((sum, p) => sum + p.deadLetters, 0)})
        </Link>
      </p>
      {snapshot.projections.map((p) => {
        const samples = history[p.name] ?? []
        const throughput = throughputOf(samples)
        const state = !p.exists
          ? 'not started'
          : p.workersAlive === 0
            ? 'no live worker'
            : p.lagEntries > 0
              ? 'catching up'
              : 'caught up'
        return (
          <section className="billie-ops__projection" data-projection={p.name} key={p.name}>
            <h2>
              {p.name}{' '}
              <span className={`billie-ops__state billie-ops__state--${state.replace(/ /g, '-')}`}>{state}</span>
              {p.rebuildNeeded && (
                <span className="billie-ops__state billie-ops__state--warn">
                  rebuild needed ({p.storedVersion === null ? 'no stored version' : `stored v${p.storedVersion}`},
                  deployed v{p.deployedVersion})
                </span>
              )}
              {p.codeOlder && (
                <span className="billie-ops__state billie-ops__state--warn">
                  code older than the stored projection (stored v{p.storedVersion}, deployed v{p.deployedVersion})
                </span>
              )}
            </h2>
            <table className="billie-ops__figures">
              <tbody>
                <tr>
                  <th>Lag</th>
                  <td data-testid={`lag-entries-${p.name}`}>{p.lagEntries} entries</td>
                  <td>{p.lagSeconds.toFixed(1)} s</td>
                  <td>
                    <Sparkline label="lag in entries, last hour" values={samples.map((s) => s.lagEntries)} />
                  </td>
                </tr>
                <tr>
                  <th>Throughput</th>
                  <td>{throughput.length ? `${throughput.at(-1)!.toFixed(1)} events/s` : '–'}</td>
                  <td>{p.totals.processed} projected</td>
                  <td>
                    <Sparkline label="events per second, last hour" values={throughput} />
                  </td>
                </tr>
                <tr>
                  <th>Position</th>
                  <td>
                    <code>{p.position}</code>
                  </td>
                  <td>{p.pending} pending</td>
                  <td>
                    {p.totals.skipped} skipped · {p.totals.deadLettered} dead-lettered · {p.deadLetters} waiting
                  </td>
                </tr>
              </tbody>
            </table>
            <h3>Workers</h3>
            {p.workers.length === 0 ? (
              <p className="billie-ops__muted">No worker has reported.</p>
            ) : (
              <table className="billie-ops__workers">
                <thead>
                  <tr>
                    <th>Consumer</th>
                    <th>State</th>
                    <th>Heartbeat</th>
                    <th>Pending</th>
                    <th>Last batch</th>
                    <th>Average batch</th>
                    <th>Projected</th>
                  </tr>
                </thead>
                <tbody>
                  {p.workers.map((worker) => (
                    <tr className={worker.alive ? '' : 'billie-ops__stale'} key={worker.consumer}>
                      <td>
                        <code>{worker.consumer}</code>
                      </td>
                      <td>{worker.alive ? worker.state : `silent (${worker.state})`}</td>
                      <td>{age(worker.heartbeatAgeMs)} ago</td>
                      <td>{worker.pending}</td>
                      <td>{worker.lastBatchMs === null ? '–' : `${worker.lastBatchMs} ms`}</td>
                      <td>{worker.averageBatchMs === null ? '–' : `${Math.round(worker.averageBatchMs)} ms`}</td>
                      <td>{worker.processed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )
      })}
    </div>
  )
}
