'use client'

import { Button } from '@payloadcms/ui'
import React, { useCallback, useEffect, useState } from 'react'

import type { Progress } from '@/rebuild/control'
import type { KindDrift } from '@/rebuild/verify'
import { phaseWork } from '@/rebuild/progress'
import type { JobPlan, ProjectionStatus } from '@/rebuild/status'

/** What /api/projections answers (src/endpoints/projections.ts): types only, nothing server-side is bundled. */
type Status = Omit<ProjectionStatus, 'group'> & { plan: JobPlan }

const number = (value: number) => value.toLocaleString('en')
const POLL_RUNNING_MS = 500
const POLL_IDLE_MS = 5_000

/** How far the job is, 0–100: reading the stream is the first half, the phases after it the second. */
export function percentOf(job: Progress): number {
  if (job.state === 'done') return 100
  const { done, total } = phaseWork(job)
  const share = total ? Math.min(done / total, 1) : 0
  if (job.phase === 'reading' || job.phase === 'folding') return Math.floor(share * 50)
  return Math.min(99, 50 + Math.floor(share * 50))
}

async function post(path: string, body: unknown): Promise<string | undefined> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (response.ok) return undefined
  const { message } = (await response.json().catch(() => ({}))) as { message?: string }
  return message ?? `${response.status} ${response.statusText}`
}

function DriftReport({ report }: { report: { kinds: Record<string, KindDrift>; events: number } }) {
  const kinds = Object.entries(report.kinds)
  const drifted = kinds.some(([, { counts }]) => counts.missing + counts.extra + counts.differing > 0)
  return (
    <div className="billie-projections__drift" data-drifted={drifted}>
      <p>
        <strong>{drifted ? 'Drift found.' : 'No drift.'}</strong> Compared with {number(report.events)} events.
      </p>
      <table>
        <thead>
          <tr>
            <th>Records</th>
            <th>Expected</th>
            <th>Stored</th>
            <th>Differing</th>
            <th>Missing</th>
            <th>Extra</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map(([kind, drift]) => (
            <tr key={kind}>
              <td>{kind}</td>
              <td>{number(drift.expected)}</td>
              <td>{number(drift.stored)}</td>
              <td>{number(drift.counts.differing)}</td>
              <td>{number(drift.counts.missing)}</td>
              <td>{number(drift.counts.extra)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {kinds.map(([kind, drift]) =>
        drift.differing.length + drift.missing.length + drift.extra.length === 0 ? null : (
          <ul className="billie-projections__keys" key={kind}>
            {drift.differing.map(({ key, fields }) => (
              <li key={`d-${key}`}>
                {kind} <code>{key}</code> differs in {fields.join(', ')}
              </li>
            ))}
            {drift.missing.map((key) => (
              <li key={`m-${key}`}>
                {kind} <code>{key}</code> is missing
              </li>
            ))}
            {drift.extra.map((key) => (
              <li key={`e-${key}`}>
                {kind} <code>{key}</code> is not justified by any event
              </li>
            ))}
          </ul>
        ),
      )}
    </div>
  )
}

/** How long a job has been paused, counting on while it shows. */
function PausedFor({ since }: { since: string }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000)
    return () => clearInterval(timer)
  }, [])
  const seconds = Math.max(0, Math.round((now - Date.parse(since)) / 1000))
  const minutes = Math.floor(seconds / 60)
  return <> · paused for {minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`}</>
}

function JobProgress({ job }: { job: Progress }) {
  const percent = percentOf(job)
  const report = job.report ? (JSON.parse(job.report) as Record<string, unknown>) : undefined
  return (
    <div className="billie-projections__job">
      <p>
        {job.job} by {job.by}: <strong data-testid="job-state">{job.state}</strong>
        {job.state === 'running' || job.state === 'paused' ? ` (${job.phase})` : ''}, started{' '}
        {new Date(job.startedAt).toLocaleString()}
        {job.state === 'paused' && job.pausedAt && <PausedFor since={job.pausedAt} />}
      </p>
      {job.resumed && <p data-testid="job-resumed">This run {job.resumed}.</p>}
      <div
        aria-label={`${job.job} progress`}
        aria-valuemax={100}
        aria-valuemin={0}
        aria-valuenow={percent}
        className="billie-projections__bar"
        role="progressbar"
      >
        <span style={{ width: `${percent}%` }} />
        <em>{percent}%</em>
      </div>
      <p className="billie-projections__figures">
        {number(job.read)} of {number(job.total)} events read · {number(job.compared)} of {number(job.records)} records
        compared · {number(job.written)} written · {number(job.eventsPerSecond)} events/s
        {job.etaSeconds !== null && job.state === 'running' ? ` · ETA ${job.etaSeconds} s` : ''}
      </p>
      {job.error && (
        <p className="billie-projections__error" role="alert">
          {job.errorEntryId && (
            <>
              At stream entry <code>{job.errorEntryId}</code>:{' '}
            </>
          )}
          {job.error}
        </p>
      )}
      {report && job.job === 'verify' && job.state === 'done' && (
        <DriftReport report={report as { kinds: Record<string, KindDrift>; events: number }} />
      )}
      {report && job.job === 'rebuild' && job.state === 'done' && (
        <table className="billie-projections__rebuilt">
          <thead>
            <tr>
              <th>Records</th>
              <th>Updated</th>
              <th>Created</th>
              <th>Removed</th>
              <th>Unchanged</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(report.kinds as Record<string, Record<string, number>>).map(([kind, counts]) => (
              <tr key={kind}>
                <td>{kind}</td>
                <td>{number(counts.updated ?? 0)}</td>
                <td>{number(counts.created ?? 0)}</td>
                <td>{number(counts.removed ?? 0)}</td>
                <td>{number(counts.unchanged ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

/** What the confirmation says a job will touch. */
function confirmationOf(job: 'verify' | 'rebuild', name: string, plan: Status['plan']): string {
  const touches = `read ${number(plan.events)} events and compare ${number(plan.records)} stored records`
  return job === 'verify'
    ? `Verify ${name}: ${touches}. Nothing is written.`
    : `Rebuild ${name}: ${touches}; each one that differs is rewritten in one write while the projection stays live.`
}

function ProjectionCard({ status, refresh }: { status: Status; refresh: () => void }) {
  const [asking, setAsking] = useState<'verify' | 'rebuild' | null>(null)
  const [error, setError] = useState<string | undefined>()
  const { job, name } = status
  const active = job?.state === 'running' || job?.state === 'paused'
  const act = async (path: string, body: unknown) => {
    setError(await post(path, body))
    setAsking(null)
    refresh()
  }
  return (
    <section aria-label={`${name} projection`} className="billie-projections__card">
      <header>
        <h2>{name}</h2>
        <span className="billie-projections__version">
          code version {status.version} · stored {status.storedVersion ?? 'not yet recorded'}
        </span>
        {status.rebuildNeeded && (
          <span className="billie-projections__due" role="status">
            Rebuild needed: the stored records were built by{' '}
            {status.storedVersion === null ? 'code that recorded no version' : `version ${status.storedVersion}`}
          </span>
        )}
        {status.codeOlder && (
          <span className="billie-projections__due" role="status">
            Code older than the stored projection: the records were built by version {status.storedVersion}. This code
            goes on projecting new events; a rebuild or replay runs only from version {status.storedVersion} or newer.
          </span>
        )}
      </header>
      <p>
        {number(status.plan.events)} events in the stream · {number(status.plan.records)} records stored
      </p>
      {asking ? (
        <div className="billie-projections__confirm" role="dialog" aria-label={`Confirm ${asking}`}>
          <p>{confirmationOf(asking, name, status.plan)}</p>
          <Button
            buttonStyle="primary"
            onClick={() => void act(`/api/projections/${name}/${asking}`, { confirmed: true })}
          >
            {asking === 'verify' ? 'Start verify' : 'Start rebuild'}
          </Button>
          <Button buttonStyle="secondary" onClick={() => setAsking(null)}>
            Back
          </Button>
        </div>
      ) : (
        <div className="billie-projections__actions">
          <Button buttonStyle="secondary" disabled={active} onClick={() => setAsking('verify')}>
            Verify
          </Button>
          <Button buttonStyle="secondary" disabled={active} onClick={() => setAsking('rebuild')}>
            Rebuild
          </Button>
          {active && (
            <>
              <Button
                buttonStyle="secondary"
                onClick={() =>
                  void act(`/api/projections/${name}/control`, { action: job.state === 'paused' ? 'resume' : 'pause' })
                }
              >
                {job.state === 'paused' ? 'Resume' : 'Pause'}
              </Button>
              <Button
                buttonStyle="secondary"
                onClick={() => void act(`/api/projections/${name}/control`, { action: 'cancel' })}
              >
                Cancel job
              </Button>
            </>
          )}
        </div>
      )}
      {error && (
        <p className="billie-projections__error" role="alert">
          {error}
        </p>
      )}
      {job && <JobProgress job={job} />}
    </section>
  )
}

/** The projections and their jobs, polled: every half second while a job runs, else every few seconds. */
export function ProjectionsPanel() {
  const [statuses, setStatuses] = useState<Status[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [tick, setTick] = useState(0)
  const refresh = useCallback(() => setTick((value) => value + 1), [])
  const running = statuses?.some((status) => status.job?.state === 'running' || status.job?.state === 'paused')

  useEffect(() => {
    let cancelled = false
    const load = async () => {
      try {
        const response = await fetch('/api/projections', { credentials: 'include' })
        const body = (await response.json()) as { projections?: Status[]; message?: string }
        if (cancelled) return
        if (!response.ok) setError(body.message ?? `${response.status}`)
        else {
          setStatuses(body.projections)
          setError(undefined)
        }
      } catch (failure) {
        if (!cancelled) setError(failure instanceof Error ? failure.message : String(failure))
      }
    }
    void load()
    const timer = setInterval(() => void load(), running ? POLL_RUNNING_MS : POLL_IDLE_MS)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [running, tick])

  if (error && !statuses) return <p role="alert">{error}</p>
  if (!statuses) return <p>Loading…</p>
  return (
    <div className="billie-projections__list">
      {error && <p role="alert">Could not refresh: {error}</p>}
      {statuses.map((status) => (
        <ProjectionCard key={status.name} refresh={refresh} status={status} />
      ))}
    </div>
  )
}
