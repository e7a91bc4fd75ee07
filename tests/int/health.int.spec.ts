/*
 * Health over real HTTP, on a redis-server of this file's own (so it can be stopped and started
 * again): healthy with both projections' workers alive and caught up; degraded while lag is above
 * the threshold; unhealthy (503) while Redis is down and healthy again once it is back; live
 * answers 200 throughout. Details only for admins and the HEALTH_TOKEN bearer.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { createRedis } from '@/lib/redis'
import { closeOpsRedis } from '@/ops/redis'
import { forgetHealth, type HealthReport } from '@/ops/health'
import config from '@/payload.config'
import { jobKeys } from '@/rebuild/control'
import { type LocalRedis, startRedisServer } from '@/server/redisServer'
import { STORES } from '@/store'

import { startWorker } from '../helpers/inProcessWorker'
import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { appendAll, waitUntilDrained } from '../helpers/stream'
import { sleep, until as waitUntil } from '../helpers/wait'

const stream = `test:health:${crypto.randomUUID()}`
const HEALTH_TOKEN = crypto.randomBytes(16).toString('hex')
let local: LocalRedis
let payload: Payload
let server: ApiServer
let admin: string
let supervisor: string
let workers: Array<ReturnType<typeof startWorker>> = []
const dataDir = path.resolve('.tmp/int', `redis-${crypto.randomUUID()}`)

type Answer = HealthReport & Record<string, unknown>
const get = async (route: string, authorization?: string) => {
  const res = await fetch(`${server.url}${route}`, { headers: authorization ? { authorization } : {} })
  return { status: res.status, body: (await res.json()) as Answer }
}

/** Polls /api/health (as an admin) until `until` holds of the answer. */
async function healthUntil(until: (body: Answer) => boolean, timeoutMs = 30_000) {
  let answer = await get('/api/health', admin)
  await waitUntil(async () => until((answer = await get('/api/health', admin)).body), 'health to match', {
    timeoutMs,
    everyMs: 200,
    detail: () => JSON.stringify(answer.body),
  })
  return answer
}

const startBoth = (batchSize = 500) => {
  workers = (['dashboard', 'portal'] as const).map((name) =>
    startWorker(payload, stream, {
      connectionName: `health-${name}`,
      store: STORES[name],
      stopWhenIdleMs: 600_000,
      batchSize,
    }),
  )
}
const stopBoth = async () => {
  await Promise.all(workers.map(({ worker }) => worker.stop()))
  await Promise.all(workers.map(({ done }) => done))
}

beforeAll(async () => {
  fs.mkdirSync(dataDir, { recursive: true })
  local = await startRedisServer({ dataDir })
  Object.assign(process.env, {
    REDIS_URL: local.url,
    CHAT_LEDGER_STREAM: stream,
    HEALTH_TOKEN,
    HEALTH_CACHE_MS: '0',
    HEALTH_WORKER_STALE_MS: '5000',
  })
  payload = await getPayload({ config })
  payload.logger.level = 'fatal'
  server = await serveApi(config)
  for (const [email, role] of [
    ['ops-admin@example.com', 'admin'],
    ['ops-supervisor@example.com', 'supervisor'],
  ] as const) {
    await payload.create({
      collection: 'users',
      data: { email, password: 'pass-word-1', firstName: 'Op', lastName: role, role },
    })
  }
  admin = await login(server.url, 'ops-admin@example.com', 'pass-word-1')
  supervisor = await login(server.url, 'ops-supervisor@example.com', 'pass-word-1')
  const redis = createRedis(local.url)
  await appendAll(redis, stream, generateCorpus({ conversations: 8, seed: 1010 }))
  startBoth()
  await waitUntilDrained(redis, stream, STORES.dashboard.projection.group)
  await waitUntilDrained(redis, stream, STORES.portal.projection.group)
  redis.disconnect()
})

afterAll(async () => {
  await stopBoth()
  for (const name of ['CHAT_LEDGER_STREAM', 'HEALTH_TOKEN', 'HEALTH_CACHE_MS', 'HEALTH_WORKER_STALE_MS'])
    delete process.env[name]
  closeOpsRedis()
  forgetHealth()
  await server?.close()
  await payload?.destroy()
  await local?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('GET /api/health', () => {
  it('is healthy when caught up with workers alive; details for admins and the token only', async () => {
    // Given both projections drained by live workers
    // When an admin asks
    const { status, body } = await healthUntil((b) => b.status === 'healthy')
    // Then every check passes, with the figures behind it
    expect(status).toBe(200)
    expect(body.checks.redis.status).toBe('pass')
    expect(body.checks.database.status).toBe('pass')
    for (const name of ['dashboard', 'portal']) {
      expect(body.checks.projections[name]).toMatchObject({
        status: 'pass',
        workersAlive: 1,
        lagEntries: 0,
        lagSeconds: 0,
        pending: 0,
        deadLetters: 0,
      })
      expect(body.checks.projections[name].lastBatchAt).toEqual(expect.any(String))
    }
    // And anonymous callers and supervisors get the overall status only; the token gets details
    for (const authorization of [undefined, supervisor, 'Bearer not-the-token']) {
      const answer = await get('/api/health', authorization)
      expect(answer.status).toBe(200)
      expect(Object.keys(answer.body).sort()).toEqual(['checkedAt', 'status'])
    }
    expect((await get('/api/health', `Bearer ${HEALTH_TOKEN}`)).body.checks.projections.portal.status).toBe('pass')
  })

  it('is degraded while lag is above the threshold, and healthy again once caught up', async () => {
    // Given a lag threshold of 1 s
    process.env.HEALTH_LAG_DEGRADED_SECONDS = '1'
    try {
      // When 600 events arrive while the workers are away, and are older than that when workers
      // taking 5 entries a batch come back (so the lag is there whatever the machine's speed)
      await stopBoth()
      const redis = createRedis(local.url)
      await appendAll(redis, stream, generateCorpus({ conversations: 20, seed: 1011 }))
      await sleep(1_500)
      startBoth(5)
      // Then health turns degraded, naming the lag, while answering 200
      const degraded = await healthUntil((b) => b.status === 'degraded')
      expect(degraded.status).toBe(200)
      const problems = Object.values(degraded.body.checks.projections).flatMap((check) => check.problems)
      expect(problems.join('; ')).toMatch(/lag \d+ s above 1 s/)
      expect((await get('/api/health/live')).status).toBe(200)
      // And once the workers have caught up it is healthy again
      await waitUntilDrained(redis, stream, STORES.dashboard.projection.group, 120_000)
      await waitUntilDrained(redis, stream, STORES.portal.projection.group, 120_000)
      redis.disconnect()
      await healthUntil((b) => b.status === 'healthy')
    } finally {
      delete process.env.HEALTH_LAG_DEGRADED_SECONDS
    }
  })

  it('says a rebuild is needed exactly where the projections view says so', async () => {
    // Given the dashboard's stored version gone (its records built by code that recorded none),
    // the portal's kept
    const redis = createRedis(local.url)
    const versionKey = jobKeys(stream, STORES.dashboard.projection.group).version
    const version = await redis.get(versionKey)
    await redis.del(versionKey)
    try {
      // When an admin reads health and the projections view
      const health = (await get('/api/health', admin)).body
      const view = await fetch(`${server.url}/api/projections`, { headers: { authorization: admin } })
      const { projections } = (await view.json()) as { projections: Array<{ name: string; rebuildNeeded: boolean }> }
      // Then both say the dashboard needs a rebuild, and why; and neither says so of the portal
      expect(health.checks.projections.dashboard.problems).toContain(
        `rebuild needed: records built by code that recorded no version, deployed version ${version}`,
      )
      expect(health.checks.projections.portal.problems).toEqual([])
      expect(Object.fromEntries(projections.map((p) => [p.name, p.rebuildNeeded]))).toEqual({
        dashboard: true,
        portal: false,
      })
    } finally {
      await redis.set(versionKey, version!)
      redis.disconnect()
    }
  })

  it('says when the deployed code is older than the stored projection, and asks for no rebuild', async () => {
    // Given the dashboard's records built by a newer version (the new half of a rolling deploy)
    const redis = createRedis(local.url)
    const versionKey = jobKeys(stream, STORES.dashboard.projection.group).version
    const version = Number(await redis.get(versionKey))
    await redis.set(versionKey, version + 1)
    try {
      // When an admin reads health and the projections view
      const health = (await get('/api/health', admin)).body
      const view = await fetch(`${server.url}/api/projections`, { headers: { authorization: admin } })
      const { projections } = (await view.json()) as {
        projections: Array<{ name: string; rebuildNeeded: boolean; codeOlder: boolean }>
      }
      // Then both say this code is the older one, and neither asks for a rebuild
      const { problems } = health.checks.projections.dashboard
      expect(problems).toContain(
        'code older than the stored projection: ' +
          `records built by version ${version + 1}, this code is version ${version}`,
      )
      expect(problems.join('; ')).not.toMatch(/rebuild needed/)
      const dashboard = projections.find((p) => p.name === 'dashboard')!
      expect(dashboard).toMatchObject({ rebuildNeeded: false, codeOlder: true })
      // And an admin's rebuild is refused, saying why
      const refused = await fetch(`${server.url}/api/projections/dashboard/rebuild`, {
        method: 'POST',
        headers: { authorization: admin, 'content-type': 'application/json' },
        body: JSON.stringify({ confirmed: true }),
      })
      expect(refused.status).toBe(409)
      expect(((await refused.json()) as { message: string }).message).toMatch(/would take the records back/)
    } finally {
      await redis.set(versionKey, version)
      redis.disconnect()
    }
  })

  it('is unhealthy (503) while Redis is stopped and healthy once it is back; live stays 200', async () => {
    // When Redis stops
    await local.stop()
    // Then health and readiness answer 503, naming Redis; liveness answers 200
    const down = await get('/api/health', admin)
    expect(down.status).toBe(503)
    expect(down.body.status).toBe('unhealthy')
    expect(down.body.checks.redis.status).toBe('fail')
    expect(down.body.checks.database.status).toBe('pass')
    expect((await get('/api/health')).body).toEqual({ status: 'unhealthy', checkedAt: expect.any(String) })
    expect((await get('/api/health/ready')).status).toBe(503)
    expect((await get('/api/health/live')).status).toBe(200)

    // When Redis is back (same port, same data)
    local = await startRedisServer({ port: local.port, dataDir })
    // Then health is healthy again once the workers have reconnected and beaten
    const back = await healthUntil((b) => b.status === 'healthy', 60_000)
    expect(back.status).toBe(200)
    expect((await get('/api/health/ready')).status).toBe(200)
    expect((await get('/api/health/live')).status).toBe(200)
  })
})
