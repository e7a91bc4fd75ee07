'use client'
import { useConfig, useTheme } from '@payloadcms/ui'
import type React from 'react'
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'

import type { Analytics } from '@/analytics/query'
import { nextStart, startOfDate, wallClock } from '@/analytics/zone'

import { ConnectionIndicator } from '../shared/ConnectionIndicator.client'
import { RetryBanner } from '../shared/RetryBanner.client'
import { useRealtime } from '../shared/useRealtime'

/** Live, but at most one re-read this often however busy the feed is. */
const REFRESH_MS = 5_000
const DAY = 86_400_000

const PALETTES = {
  light: {
    grid: '#e5e5e5',
    axis: '#666',
    started: '#2f6fdf',
    approved: '#1f8a4c',
    declined: '#c4362c',
    rate: '#7a4fd6',
  },
  dark: { grid: '#333', axis: '#aaa', started: '#6ea0ff', approved: '#4cc483', declined: '#ff7a6e', rate: '#b79bff' },
}

const RANGES = [
  { label: 'Last 24 hours', days: 1 },
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 90 days', days: 90 },
] as const

type Selection = { from: string; to: string; bucket: 'hour' | 'day' }

const preset = (days: number): Selection => {
  const to = Date.now()
  return {
    from: new Date(to - days * DAY).toISOString(),
    to: new Date(to).toISOString(),
    bucket: days <= 2 ? 'hour' : 'day',
  }
}

const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 1000) / 10}%`)
const minutes = (value: number | null) =>
  value === null ? '—' : value < 120 ? `${Math.round(value)} min` : `${Math.round((value / 60) * 10) / 10} h`

/**
 * Charts of the range's figures, re-read (throttled) when conversations change. Days and hours
 * are the business's (`timeZone`), whatever zone the browser is in: the dates picked are its
 * days, and every label is its clock.
 */
export function AnalyticsCharts({ timeZone }: { timeZone: string }) {
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const { theme } = useTheme()
  const colors = PALETTES[theme === 'dark' ? 'dark' : 'light']
  const [selection, setSelection] = useState<Selection>(() => preset(7))
  const [data, setData] = useState<Analytics | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(() => {
    const { from, to, bucket } = selection
    fetch(`${api}/analytics?${new URLSearchParams({ from, to, bucket })}`, { credentials: 'same-origin' })
      .then(async (response) => {
        const body = await response.json()
        if (!response.ok) throw new Error(body.message ?? `the server answered ${response.status}`)
        setData(body as Analytics)
        setError(null)
      })
      .catch((cause: Error) => setError(`Reading analytics failed: ${cause.message}`))
  }, [api, selection])

  useEffect(() => load(), [load])

  // Throttle: the first change schedules a re-read; changes until it runs ride along.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  const onChange = useCallback(() => {
    timer.current ??= setTimeout(() => {
      timer.current = undefined
      load()
    }, REFRESH_MS)
  }, [load])
  const status = useRealtime({ onChange, onResync: load }, '?collection=conversations')

  const tick = (iso: string) => {
    const at = new Date(iso)
    return selection.bucket === 'hour'
      ? at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone })
      : at.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone })
  }
  // The hour's start with its zone's abbreviation: 02:00 comes twice the night daylight saving ends.
  const when = (label: unknown) =>
    new Date(String(label)).toLocaleString(
      undefined,
      selection.bucket === 'hour'
        ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone }
        : { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone },
    )
  const dayInput = (ms: number) => wallClock(ms, timeZone).date
  const axis = { stroke: colors.axis, tick: { fill: colors.axis, fontSize: 12 } }

  return (
    <div className="billie-analytics">
      <header className="billie-analytics__header">
        <div className="billie-analytics__title">
          <h1>Analytics</h1>
          <ConnectionIndicator status={status} />
          <span className="billie-analytics__zone">Days and hours in {timeZone}</span>
        </div>
        <div className="billie-analytics__controls">
          <div aria-label="Range" className="billie-status-filter" role="group">
            {RANGES.map((range) => (
              <button
                aria-pressed={Math.round((Date.parse(selection.to) - Date.parse(selection.from)) / DAY) === range.days}
                className="billie-status-filter__option"
                key={range.days}
                onClick={() => setSelection(preset(range.days))}
                type="button"
              >
                {range.label}
              </button>
            ))}
          </div>
          <label className="billie-analytics__date">
            From
            <input
              onChange={(event) =>
                event.target.value &&
                setSelection((current) => ({
                  ...current,
                  from: new Date(startOfDate(event.target.value, timeZone)).toISOString(),
                }))
              }
              type="date"
              value={dayInput(Date.parse(selection.from))}
            />
          </label>
          <label className="billie-analytics__date">
            To
            <input
              onChange={(event) =>
                event.target.value &&
                setSelection((current) => ({
                  ...current,
                  to: new Date(nextStart(startOfDate(event.target.value, timeZone), 'day', timeZone)).toISOString(),
                }))
              }
              type="date"
              value={dayInput(Date.parse(selection.to) - 1)}
            />
          </label>
          <label className="billie-analytics__date">
            Per
            <select
              onChange={(event) =>
                setSelection((current) => ({ ...current, bucket: event.target.value as 'hour' | 'day' }))
              }
              value={selection.bucket}
            >
              <option value="hour">hour</option>
              <option value="day">day</option>
            </select>
          </label>
        </div>
      </header>

      <RetryBanner error={error} onRetry={load} />

      <dl className="billie-analytics__totals">
        <Total label="Active now" testId="active-now" value={data ? String(data.activeNow) : '…'} />
        <Total label="Waiting on the assistant" value={data ? String(data.waitingOnAssistant) : '…'} />
        <Total label="Started" testId="started-total" value={data ? String(data.totals.started) : '…'} />
        <Total label="Approved" value={data ? String(data.totals.approved) : '…'} />
        <Total label="Declined" value={data ? String(data.totals.declined) : '…'} />
        <Total label="Approval rate" value={data ? percent(data.totals.approvalRate) : '…'} />
        <Total label="Median time to decision" value={data ? minutes(data.medianMinutesToDecision) : '…'} />
      </dl>

      <div className="billie-analytics__grid">
        <Chart title={`Conversations started per ${selection.bucket}`}>
          <BarChart data={data?.started ?? []}>
            <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
            <XAxis dataKey="at" tickFormatter={tick} {...axis} />
            <YAxis allowDecimals={false} {...axis} />
            <Tooltip labelFormatter={when} />
            <Bar dataKey="count" fill={colors.started} isAnimationActive={false} name="Started" />
          </BarChart>
        </Chart>
        <Chart title="Decisions">
          <BarChart data={data?.decisions ?? []}>
            <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
            <XAxis dataKey="at" tickFormatter={tick} {...axis} />
            <YAxis allowDecimals={false} {...axis} />
            <Tooltip labelFormatter={when} />
            <Legend />
            <Bar dataKey="approved" fill={colors.approved} isAnimationActive={false} name="Approved" stackId="d" />
            <Bar dataKey="declined" fill={colors.declined} isAnimationActive={false} name="Declined" stackId="d" />
          </BarChart>
        </Chart>
        <Chart title="Approval rate">
          <LineChart data={data?.decisions ?? []}>
            <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
            <XAxis dataKey="at" tickFormatter={tick} {...axis} />
            <YAxis domain={[0, 1]} tickFormatter={(value: number) => `${Math.round(value * 100)}%`} {...axis} />
            <Tooltip formatter={(value) => percent(typeof value === 'number' ? value : null)} labelFormatter={when} />
            <Line
              connectNulls
              dataKey="approvalRate"
              // A line needs two points: with a single bucket that has decisions, its dot is the chart.
              dot={(data?.decisions.filter((bucket) => bucket.approvalRate !== null).length ?? 0) <= 1}
              isAnimationActive={false}
              name="Approval rate"
              stroke={colors.rate}
              strokeWidth={2}
            />
          </LineChart>
        </Chart>
        <Chart title="Declines by identity risk band">
          <BarChart data={data?.declinesByRiskBand ?? []} layout="vertical">
            <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
            <XAxis allowDecimals={false} type="number" {...axis} />
            <YAxis dataKey="band" type="category" width={80} {...axis} />
            <Tooltip />
            <Bar dataKey="count" fill={colors.declined} isAnimationActive={false} name="Declined" />
          </BarChart>
        </Chart>
      </div>
    </div>
  )
}

function Total({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="billie-analytics__total">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  )
}

function Chart({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <section aria-label={title} className="billie-analytics__chart">
      <h2>{title}</h2>
      <div className="billie-analytics__plot">
        <ResponsiveContainer height="100%" width="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </section>
  )
}
