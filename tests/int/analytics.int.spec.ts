/*
 * The analytics endpoint against the oracle: a generated corpus projected by a real worker into
 * SQLite, the figures read over real HTTP, compared with the fold of the same events.
 */
import crypto from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type AnalyticsRow, figuresOf, median } from '@/analytics/figures'
import { generateCorpus, generateLongConversation } from '@/events/generate'
import config from '@/payload.config'
import { attentionSignalsOf } from '@/projections/dashboard/signals'
import { STORES } from '@/store'

import { startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { appendAll, type Appended, oracleOf } from '../helpers/stream'

/** BUSINESS_TIME_ZONE's default, which this file runs with. */
const SYDNEY = 'Australia/Sydney'
const opened = openPayloadAndRedis()
const stream = `test:analytics:${crypto.randomUUID()}`
let appended: Appended[] = []
let server: ApiServer
let sue: string

const get = (path: string, auth?: string) =>
  fetch(`${server.url}${path}`, { headers: auth ? { authorization: auth } : {} })

/** The oracle's conversations as the analytics read them (the band comes from the application). */
function oracleRows(): AnalyticsRow[] {
  const oracle = oracleOf(appended)
  return [...oracle.conversations.values()].map((conversation) => {
    const application = conversation.applicationNumber
      ? oracle.applications.get(conversation.applicationNumber)
      : undefined
    return {
      startedAt: conversation.startedAt,
      decidedAt: conversation.decidedAt,
      finalDecision: conversation.finalDecision,
      identityRiskBand: application ? attentionSignalsOf(application).identityRiskBand : null,
    }
  })
}

beforeAll(async () => {
  process.env.CHAT_LEDGER_STREAM = stream
  server = await serveApi(config)
  await fetch(`${server.url}/api/users/first-register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'sue@example.com', password: 'sup-pass-1', firstName: 'Sue', lastName: 'S' }),
  })
  sue = await login(server.url, 'sue@example.com', 'sup-pass-1')
  appended = await appendAll(opened.redis, stream, generateCorpus({ events: 4_000, seed: 88, retries: 20 }))
  await startWorker(opened.payload, stream, { connectionName: 'analytics', store: STORES.dashboard }).done
}, 180_000)

afterAll(async () => {
  delete process.env.CHAT_LEDGER_STREAM
  await server?.close()
})

describe('analytics', () => {
  it('equal the figures of the oracle’s fold, per day and per hour', async () => {
    // Given the corpus's whole time span
    const rows = oracleRows()
    const times = rows.flatMap((row) => [row.startedAt, row.decidedAt]).filter((at): at is string => Boolean(at))
    const from = new Date(Math.min(...times.map(Date.parse))).toISOString()
    const to = new Date(Math.max(...times.map(Date.parse)) + 1).toISOString()

    for (const bucket of ['day', 'hour'] as const) {
      // When Sue asks for the figures
      const res = await get(`/api/analytics?${new URLSearchParams({ from, to, bucket })}`, sue)
      expect(res.status).toBe(200)
      const figures = await res.json()

      // Then they are the oracle's, counted in Sydney's days and hours
      expect(figures.range).toEqual({ from, to, bucket, timeZone: SYDNEY })
      expect(figures).toMatchObject(figuresOf(rows, { from, to, bucket, timeZone: SYDNEY }))
    }

    // and, counted here directly from the oracle: totals, approval rate, median and declines by band
    const figures = await (await get(`/api/analytics?${new URLSearchParams({ from, to, bucket: 'day' })}`, sue)).json()
    const decided = rows.filter((row) => row.finalDecision && row.decidedAt)
    const approved = decided.filter((row) => row.finalDecision === 'approved').length
    const declined = decided.filter((row) => row.finalDecision === 'declined')
    expect(decided.length).toBeGreaterThan(0)
    expect(figures.totals).toEqual({
      started: rows.filter((row) => row.startedAt).length,
      approved,
      declined: declined.length,
      approvalRate: approved / decided.length,
    })
    const minutes = decided
      .filter((row) => row.startedAt)
      .map((row) => (Date.parse(row.decidedAt!) - Date.parse(row.startedAt!)) / 60_000)
    expect(figures.medianMinutesToDecision).toBeCloseTo(median(minutes)!, 6)
    const bands = Object.fromEntries(
      figures.declinesByRiskBand.map((entry: { band: string; count: number }) => [entry.band, entry.count]),
    )
    for (const row of declined) bands[row.identityRiskBand || 'Unknown'] -= 1
    expect(Object.values(bands).every((left) => left === 0)).toBe(true)
    const active = [...oracleOf(appended).conversations.values()].filter((c) => c.status === 'active').length
    expect(figures.activeNow).toBe(active)
  })

  it('a narrower range counts only what happened in it', async () => {
    const rows = oracleRows()
    const starts = rows
      .map((row) => row.startedAt)
      .filter((at): at is string => Boolean(at))
      .sort()
    const from = starts[Math.floor(starts.length / 3)]!
    const to = starts[Math.floor((2 * starts.length) / 3)]!
    const figures = await (await get(`/api/analytics?${new URLSearchParams({ from, to, bucket: 'hour' })}`, sue)).json()
    expect(figures.totals.started).toBe(starts.filter((at) => at >= from && at < to).length)
  })

  it('count days and hours as they run in Sydney, across the end of daylight saving', async () => {
    // Given conversations started around Sunday 6 April 2025, when Sydney's clocks go back from
    // 03:00 AEDT (+11) to 02:00 AEST (+10), so that Sunday lasts 25 hours
    const startedAt = [
      '2025-04-05T13:30:00.000Z', // Sunday 00:30 AEDT
      '2025-04-05T15:30:00.000Z', // Sunday 02:30 AEDT
      '2025-04-05T16:30:00.000Z', // Sunday 02:30 AEST, an hour later
      '2025-04-06T13:30:00.000Z', // Sunday 23:30 AEST
      '2025-04-06T14:30:00.000Z', // Monday 00:30 AEST
    ]
    const conversations = startedAt.map((startAt, i) =>
      generateLongConversation({ utterances: 2, seed: 500 + i, startAt }),
    )
    await appendAll(opened.redis, stream, conversations.flat())
    await startWorker(opened.payload, stream, { connectionName: 'analytics-dst', store: STORES.dashboard }).done

    // When Sue asks for those two days, per day and per hour of the night the clocks change
    const figures = async (from: string, to: string, bucket: string) =>
      (await get(`/api/analytics?${new URLSearchParams({ from, to, bucket })}`, sue)).json()
    const days = await figures('2025-04-05T13:00:00Z', '2025-04-07T14:00:00Z', 'day')
    const hours = await figures('2025-04-05T14:00:00Z', '2025-04-05T18:00:00Z', 'hour')

    // Then Sunday, from midnight to midnight in Sydney, holds four starts and Monday one
    expect(days.started).toEqual([
      { at: '2025-04-05T13:00:00.000Z', count: 4 },
      { at: '2025-04-06T14:00:00.000Z', count: 1 },
    ])
    expect(days.range.timeZone).toBe(SYDNEY)
    // and the hours are 01:00, 02:00 AEDT, 02:00 AEST and 03:00, one start in each 02:00
    expect(hours.started).toEqual([
      { at: '2025-04-05T14:00:00.000Z', count: 0 },
      { at: '2025-04-05T15:00:00.000Z', count: 1 },
      { at: '2025-04-05T16:00:00.000Z', count: 1 },
      { at: '2025-04-05T17:00:00.000Z', count: 0 },
    ])
  })

  it('are for staff only; a bad range is a 400 that says why', async () => {
    expect((await get('/api/analytics')).status).toBe(401)
    const backwards = await get('/api/analytics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', sue)
    expect(backwards.status).toBe(400)
    expect((await backwards.json()).message).toMatch(/before/)
    const tooLong = await get('/api/analytics?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', sue)
    expect(tooLong.status).toBe(400)
    expect((await get('/api/analytics?from=yesterday', sue)).status).toBe(400)
  })
})
