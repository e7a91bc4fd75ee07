/*
 * Two projections of one stream, each on its own consumer group: the dashboard and the customer
 * portal, run side by side by real workers on a real redis-server and the test's SQLite file.
 */
import crypto from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { compareProjections } from '@/ops/agreement'
import { PROJECTIONS } from '@/projections'
import { STORES } from '@/store'

import { expectDatabaseToEqual, expectPortalToEqual } from '../helpers/compare'
import { startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { openSqlite } from '../helpers/sqlite'
import { appendAll, type Appended, deadLettersOf, groupInfo, oracleOf, portalOracleOf } from '../helpers/stream'

const opened = openPayloadAndRedis()
const databaseUri = process.env.DATABASE_URI ?? 'file:'

/** Both projections' workers on `stream`, until it has been idle a moment. */
async function drainBoth(stream: string, overrides: { portal?: object } = {}) {
  const dashboard = startWorker(opened.payload, stream, { connectionName: 'dashboard' })
  const portal = startWorker(opened.payload, stream, {
    connectionName: 'portal',
    store: STORES.portal,
    ...overrides.portal,
  })
  await Promise.all([dashboard.done, portal.done])
  return { dashboard: dashboard.settings, portal: portal.settings }
}

describe('the dashboard and the portal, projected from one stream', () => {
  const stream = `test:two:${crypto.randomUUID()}`
  let first: Appended[] = []

  it('give, from 5,000 generated events, records equal to each projection’s own oracle', async () => {
    // Given a realistic corpus: interleaved chats, both spellings, retries, other agents
    const { redis, payload } = opened
    first = await appendAll(redis, stream, generateCorpus({ events: 5_000, seed: 61, retries: 40, foreignAgents: 30 }))

    // When a worker of each projection drains it
    const groups = await drainBoth(stream)

    // Then each projection's records equal what its pure folds give, and both groups are done
    await expectDatabaseToEqual(payload, oracleOf(first))
    await expectPortalToEqual(payload, portalOracleOf(first))
    expect(await groupInfo(redis, stream, groups.dashboard.group)).toEqual({ pending: 0, lag: 0 })
    expect(await groupInfo(redis, stream, groups.portal.group)).toEqual({ pending: 0, lag: 0 })
    expect(groups.portal.group).not.toBe(groups.dashboard.group)
  })

  it('agree on the facts they share, application by application; a record changed behind one is reported', async () => {
    // Given both drained (above): they agree on every application
    const { payload } = opened
    const agreed = await compareProjections(payload)
    expect(agreed.disagreeing).toEqual([])
    expect(agreed.missing).toEqual([])
    expect(agreed.checked).toBe(oracleOf(first).applications.size)

    // When a portal record's amount is changed behind the projection's back
    const [number] = [...oracleOf(first).applications.keys()]
    await payload.db.updateOne({
      collection: 'portal-applications',
      where: { applicationNumber: { equals: number } },
      data: { loanAmount: 999_999 },
    })

    // Then that application, and that fact, are reported
    const drifted = await compareProjections(payload)
    expect(drifted.disagreeing).toEqual([expect.objectContaining({ applicationNumber: number, facts: ['loanAmount'] })])
    const state = portalOracleOf(first).portalApplications.get(number!)!
    await payload.db.updateOne({
      collection: 'portal-applications',
      where: { applicationNumber: { equals: number } },
      data: { loanAmount: state.loanAmount },
    })
  })

  it('keep the dashboard current while the portal is stopped; restarted, the portal catches up by itself', async () => {
    // Given the portal's workers stopped while 1,000 more events arrive
    const { redis, payload } = opened
    const more = await appendAll(redis, stream, generateCorpus({ events: 1_000, seed: 62, retries: 5 }))
    const dashboard = startWorker(payload, stream, { connectionName: 'dashboard-alone' })
    await dashboard.done

    // Then the dashboard has them all, and the portal none of them: it waits, its place kept
    await expectDatabaseToEqual(payload, oracleOf([...first, ...more]))
    await expectPortalToEqual(payload, portalOracleOf(first))
    expect(await groupInfo(redis, stream, PROJECTIONS.portal.group)).toEqual({ pending: 0, lag: more.length })

    // When the portal's worker starts again
    const portal = startWorker(payload, stream, { connectionName: 'portal-again', store: STORES.portal })
    await portal.done

    // Then it has caught up, and the dashboard is as it was
    await expectPortalToEqual(payload, portalOracleOf([...first, ...more]))
    await expectDatabaseToEqual(payload, oracleOf([...first, ...more]))
  })
})

describe.runIf(databaseUri.startsWith('file:'))('a poison event for the portal only', () => {
  it('is dead-lettered for the portal, and projected by the dashboard', async () => {
    // Given a portal table that refuses one application (a SQLite trigger), and that application's chat
    const { redis, payload } = opened
    const stream = `test:portal-poison:${crypto.randomUUID()}`
    const corpus = generateCorpus({ conversations: 3, seed: 63 })
    const refused = corpus.find((fields) => fields.aid)!.aid!
    const sqlite = openSqlite(databaseUri)
    const trigger = `refuse_portal_${crypto.randomUUID().slice(0, 8)}`
    await sqlite.execute(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON portal_applications WHEN NEW.application_number = '${refused}' ` +
        `BEGIN SELECT RAISE(ABORT, 'the portal refuses ${refused}'); END`,
    )
    const appended = await appendAll(redis, stream, corpus)

    // When both projections drain it, the portal giving up on an event at its first failure
    await drainBoth(stream, { portal: { maxAttempts: 1 } })
    await sqlite.execute(`DROP TRIGGER ${trigger}`)
    sqlite.close()

    // Then the portal dead-lettered the events that create that application, with the reason
    const letters = await deadLettersOf(redis, stream, 'portal')
    expect(letters.length).toBeGreaterThan(0)
    for (const letter of letters) {
      expect(letter.reason).toContain(`the portal refuses ${refused}`)
      expect(letter.fields).toContain(refused)
    }
    // and the dashboard dead-lettered nothing and has the application
    expect(await deadLettersOf(redis, stream, 'dashboard')).toEqual([])
    const dashboard = await payload.find({
      collection: 'applications',
      where: { applicationNumber: { equals: refused } },
    })
    expect(dashboard.docs).toHaveLength(1)
    expect(oracleOf(appended).applications.has(refused)).toBe(true)
    // and the portal has every other application of the corpus
    const numbers = [...portalOracleOf(appended).portalApplications.keys()]
    const stored = await payload.find({
      collection: 'portal-applications',
      where: { applicationNumber: { in: numbers } },
      pagination: false,
      depth: 0,
    })
    expect(stored.docs.map((doc) => doc.applicationNumber).sort()).toEqual(numbers.filter((n) => n !== refused).sort())
  })
})
