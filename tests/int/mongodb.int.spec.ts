/**
 * The same projection path on MongoDB, the production database. Runs only where a MongoDB is
 * reachable: set MONGODB_URI (e.g. mongodb://127.0.0.1:27017/billie-test?replicaSet=rs0).
 * Without it the suite is skipped, and says so.
 */
import crypto from 'node:crypto'

import { Redis } from 'ioredis'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'

import { runJob } from '@/rebuild'
import { STORES } from '@/store'

import { expectDatabaseToEqual, expectPortalToEqual } from '../helpers/compare'
import { writerContract } from '../helpers/writerContract'
import { startWorker } from '../helpers/inProcessWorker'
import { appendAll, dlqOf, oracleOf, portalOracleOf } from '../helpers/stream'

const uri = process.env.MONGODB_URI?.trim()
if (!uri) {
  console.warn(
    '[mongodb.int] SKIPPED: MONGODB_URI is not set, so the MongoDB suite did not run ' +
      '(no MongoDB server can be installed here).',
  )
}

describe.skipIf(!uri)('MongoDB adapter (MONGODB_URI)', () => {
  let payload: Payload

  beforeAll(async () => {
    // A database of its own per run, dropped at the end.
    const url = new URL(uri!)
    url.pathname = `/billie-test-${crypto.randomUUID().slice(0, 8)}`
    process.env.DATABASE_URI = url.toString()
    const { getPayload } = await import('payload')
    const { default: config } = await import('@/payload.config')
    payload = await getPayload({ config })
  })

  afterAll(async () => {
    await (
      payload?.db as unknown as { connection?: { dropDatabase: () => Promise<unknown> } }
    )?.connection?.dropDatabase()
    await payload?.destroy()
  })

  // The same contract the SQLite writer passes (tests/int/writer.int.spec.ts).
  writerContract(() => payload)

  it('drains a generated corpus into both projections, each exactly its oracle, as on SQLite', async () => {
    const redis = new Redis(process.env.REDIS_URL!)
    try {
      const stream = `test:${crypto.randomUUID()}`
      const appended = await appendAll(redis, stream, generateCorpus({ events: 1_000, seed: 9, retries: 10 }))
      await Promise.all([
        startWorker(payload, stream, { connectionName: 'mongo-dashboard' }).done,
        startWorker(payload, stream, { connectionName: 'mongo-portal', store: STORES.portal }).done,
      ])
      await expectDatabaseToEqual(payload, oracleOf(appended))
      await expectPortalToEqual(payload, portalOracleOf(appended))
      expect(await redis.xlen(dlqOf(stream))).toBe(0)
      expect(await redis.xlen(dlqOf(stream, 'portal'))).toBe(0)
    } finally {
      redis.disconnect()
    }
  })

  it('verifies, rebuilds and replays as on SQLite: drift named, repaired in place, replay idempotent', async () => {
    const redis = new Redis(process.env.REDIS_URL!)
    const stream = `test:${crypto.randomUUID()}`
    process.env.CHAT_LEDGER_STREAM = stream
    try {
      // Given a drained stream, and records changed behind the projection's back
      const appended = await appendAll(redis, stream, generateCorpus({ events: 600, seed: 12 }))
      await startWorker(payload, stream, { connectionName: 'mongo-jobs' }).done
      const oracle = oracleOf(appended)
      const [conversationId] = [...oracle.conversations.keys()]
      const [lineKey] = [...oracle.utterances.keys()]
      await payload.db.updateOne({
        collection: 'conversations',
        where: { conversationId: { equals: conversationId } },
        data: { status: 'hard_end' },
      })
      await payload.db.updateOne({
        collection: 'utterances',
        where: { key: { equals: lineKey } },
        data: { utterance: 'forged' },
      })

      // When verify, rebuild and verify again run, then a replay of the whole stream
      const verified = await runJob(payload, redis, 'verify', 'dashboard', { by: 'test' })
      const rebuilt = await runJob(payload, redis, 'rebuild', 'dashboard', { by: 'test' })
      const again = await runJob(payload, redis, 'verify', 'dashboard', { by: 'test' })
      const replayed = await runJob(payload, redis, 'replay', 'dashboard', { by: 'test', from: '0-0' })

      // Then verify named both, the rebuild put them right (the line in place), and nothing else
      // changed
      const drift = verified.job === 'verify' ? verified.drift : undefined
      expect(drift?.kinds.conversations!.differing).toContainEqual({ key: conversationId, fields: ['status'] })
      expect(drift?.kinds.utterances!.differing).toContainEqual({ key: lineKey, fields: ['content'] })
      expect(rebuilt.job === 'rebuild' && rebuilt.report.kinds.utterances).toMatchObject({ updated: 1, created: 0 })
      expect(again.job === 'verify' && again.drifted).toBe(false)
      expect(replayed.job === 'replay' && replayed.report.changed).toBe(0)
      await expectDatabaseToEqual(payload, oracle)
    } finally {
      delete process.env.CHAT_LEDGER_STREAM
      redis.disconnect()
    }
  })

  it('saves and reads every collection, with join fields, through the same config', async () => {
    {
      expect(payload.db.name).toBe('mongoose')
      const suffix = Date.now().toString(36)
      const customer = await payload.create({
        collection: 'customers',
        data: { customerId: `CUS-${suffix}`, firstName: 'Mo', lastName: 'Ngo' },
      })
      expect(customer.fullName).toBe('Mo Ngo')
      const application = await payload.create({
        collection: 'applications',
        data: { applicationNumber: `APP-${suffix}`, customer: customer.id, loanAmount: 1000 },
      })
      const conversation = await payload.create({
        collection: 'conversations',
        data: { conversationId: `C-${suffix}`, customer: customer.id, application: application.id, status: 'active' },
      })
      await payload.create({
        collection: 'utterances',
        data: {
          conversation: conversation.id,
          key: `C-${suffix}:user_input:1`,
          eventId: `${Date.now()}-0`,
          username: 'customer',
          utterance: 'hi',
          timestamp: new Date().toISOString(),
        },
      })
      const read = await payload.findByID({ collection: 'conversations', id: conversation.id, depth: 1 })
      expect(read.utterances?.docs?.length).toBe(1)
      const readCustomer = await payload.findByID({ collection: 'customers', id: customer.id, depth: 0 })
      expect(readCustomer.applications?.docs).toEqual([application.id])
    }
  })
})
