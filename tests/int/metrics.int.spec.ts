/*
 * /api/metrics over real HTTP after a drain: strict Prometheus text whose counters say what the
 * drain did (projected, skipped, dead-lettered, batches), for admins and the METRICS_TOKEN only.
 */
import crypto from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { parse } from '@/events/parse'
import { closeOpsRedis } from '@/ops/redis'
import config from '@/payload.config'

import { countersOf, startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { parsePrometheus, sampleValue } from '../helpers/prometheus'
import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { appendAll, type Appended } from '../helpers/stream'

const opened = openPayloadAndRedis()
const stream = `test:metrics:${crypto.randomUUID()}`
const METRICS_TOKEN = crypto.randomBytes(16).toString('hex')
let server: ApiServer
let appended: Appended[]
let admin: string
let supervisor: string
let batches: number

beforeAll(async () => {
  Object.assign(process.env, { CHAT_LEDGER_STREAM: stream, METRICS_TOKEN })
  closeOpsRedis()
  appended = await appendAll(
    opened.redis,
    stream,
    generateCorpus({ conversations: 12, seed: 2020, malformed: 4, foreignAgents: 6, retries: 3 }),
  )
  const { settings, done } = startWorker(opened.payload, stream, { connectionName: 'metrics', batchSize: 50 })
  await done
  batches = (await countersOf(opened.redis, settings)).batches!
  server = await serveApi(config)
  for (const [email, role] of [
    ['metrics-admin@example.com', 'admin'],
    ['metrics-supervisor@example.com', 'supervisor'],
  ] as const) {
    await opened.payload.create({
      collection: 'users',
      data: { email, password: 'pass-word-1', firstName: 'M', lastName: role, role },
    })
  }
  admin = await login(server.url, 'metrics-admin@example.com', 'pass-word-1')
  supervisor = await login(server.url, 'metrics-supervisor@example.com', 'pass-word-1')
})

afterAll(async () => {
  delete process.env.CHAT_LEDGER_STREAM
  delete process.env.METRICS_TOKEN
  closeOpsRedis()
  await server?.close()
})

const scrape = (authorization?: string) =>
  fetch(`${server.url}/api/metrics`, { headers: authorization ? { authorization } : {} })

describe('GET /api/metrics', () => {
  it('parses as Prometheus text and counts what the drain did', async () => {
    // Given a drained stream: valid events, entries of other agents, malformed entries
    const results = appended.map(({ id, fields }) => parse(id, fields))
    const projected = results.filter((result) => result.ok).length
    const skipped = results.filter((result) => !result.ok && result.kind === 'skipped').length
    const dead = results.length - projected - skipped
    expect(dead, 'malformed entries in the corpus').toBe(4)

    // When Prometheus scrapes with the token
    const res = await scrape(`Bearer ${METRICS_TOKEN}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const families = parsePrometheus(await res.text())

    // Then the dashboard's counters are the drain's, and the portal (not run) has none
    const dashboard = { projection: 'dashboard' }
    expect(sampleValue(families, 'billie_events_projected_total', dashboard)).toBe(projected)
    expect(sampleValue(families, 'billie_events_skipped_total', dashboard)).toBe(skipped)
    expect(sampleValue(families, 'billie_events_dead_lettered_total', dashboard)).toBe(dead)
    expect(sampleValue(families, 'billie_dead_letters', dashboard)).toBe(dead)
    expect(sampleValue(families, 'billie_events_projected_total', { projection: 'portal' })).toBe(0)
    expect(sampleValue(families, 'billie_batch_duration_seconds_count', dashboard)).toBe(batches)
    expect(sampleValue(families, 'billie_batch_duration_seconds_bucket', { ...dashboard, le: '+Inf' })).toBe(batches)
    expect(sampleValue(families, 'billie_batch_duration_seconds_sum', dashboard)).toBeGreaterThan(0)
    expect(families.get('billie_batch_duration_seconds')!.type).toBe('histogram')
    expect(families.get('billie_events_projected_total')!.type).toBe('counter')
    // And the gauges: caught up, the worker gone (it stopped when idle), no alert firing
    expect(sampleValue(families, 'billie_projection_lag_entries', dashboard)).toBe(0)
    expect(sampleValue(families, 'billie_projection_lag_entries', { projection: 'portal' })).toBe(appended.length)
    expect(sampleValue(families, 'billie_workers_alive', dashboard)).toBe(0)
    expect(families.get('billie_alerts_firing')!.samples).toEqual([])
    // And this process's own: SSE clients and portal requests
    expect(sampleValue(families, 'billie_sse_clients')).toBe(0)
    expect(families.get('billie_portal_requests_total')!.type).toBe('counter')
  })

  it('answers admins; refuses supervisors (403), anonymous callers and wrong tokens (401)', async () => {
    expect((await scrape(admin)).status).toBe(200)
    const refused = await scrape(supervisor)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({ message: expect.stringMatching(/admins only/) })
    expect((await scrape()).status).toBe(401)
    expect((await scrape('Bearer wrong')).status).toBe(401)
  })
})
