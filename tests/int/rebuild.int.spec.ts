/*
 * Verify and rebuild against a real redis-server and the test's SQLite file, with the live worker
 * running beside them where a production rebuild would have it. Jobs killed, stalled and failing,
 * replay and the projections API are in rebuildRuns.int.spec.ts.
 */
import { describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'

import { PROJECTIONS } from '@/projections'
import { controlJob, readProgress } from '@/rebuild'

import { expectDatabaseToEqual, expectPortalToEqual } from '../helpers/compare'
import { startWorker } from '../helpers/inProcessWorker'
import { rebuildFixture } from '../helpers/rebuildFixture'
import { type ApiServer, serveApi } from '../helpers/serveApi'
import { openSqlite } from '../helpers/sqlite'
import { until } from '../helpers/wait'
import { appendAll, oracleOf, portalOracleOf, waitUntilDrained } from '../helpers/stream'

const { opened, databaseUri, onSqlite, stream, appended, drain, job, cli } = rebuildFixture('rebuild.int')

describe.runIf(onSqlite)('verify and rebuild', () => {
  it('find nothing to do on records the worker projected', async () => {
    const verified = await job('verify')
    expect(verified.job === 'verify' && verified.drifted).toBe(false)
  })

  it('verify, while the live worker projects new events, names only what changed behind it', async () => {
    // Given a live worker, and records changed directly in the database, none of them in chats
    // the coming events touch: a status, a transcript line forged, one removed, and a
    // conversation no event justifies
    const { payload, redis } = opened
    const { group } = PROJECTIONS.dashboard
    const live = startWorker(payload, stream, { connectionName: 'live-during-verify', stopWhenIdleMs: 60_000 })
    const arriving = generateCorpus({ events: 400, seed: 97 })
    const touched = new Set(arriving.map(({ cid }) => cid))
    const oracle = oracleOf(appended)
    const untouched = [...oracle.conversations.keys()].filter((id) => !touched.has(id))
    const [conversationId] = untouched
    const [forgedLine, lostLine] = [...oracle.utterances.values()]
      .filter((line) => untouched.includes(line.conversationId))
      .map((line) => line.key)
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute(`UPDATE conversations SET status = 'hard_end' WHERE conversation_id = '${conversationId}'`)
    await sqlite.execute(`UPDATE utterances SET utterance = 'forged' WHERE key = '${forgedLine}'`)
    await sqlite.execute(`DELETE FROM utterances WHERE key = '${lostLine}'`)
    sqlite.close()
    await payload.db.create({
      collection: 'conversations',
      data: { conversationId: 'conv-unjustified-live', status: 'active', version: 1, projection: { stamps: {} } },
    })

    // When a verify runs, and while it compares, 400 events arrive and the live worker projects them
    process.env.REBUILD_PAGE_SIZE = '1'
    const verifying = job('verify')
    const progress = () => readProgress(redis, stream, group)
    await expect.poll(async () => (await progress())?.phase, { timeout: 60_000, interval: 10 }).toBe('comparing')
    await controlJob(redis, stream, group, 'pause')
    await expect.poll(async () => (await progress())?.state, { timeout: 10_000, interval: 10 }).toBe('paused')
    appended.push(...(await appendAll(redis, stream, arriving)))
    await waitUntilDrained(redis, stream, group)
    // (paused where it was meant to be, the rest of the comparison may go in pages of the usual size)
    delete process.env.REBUILD_PAGE_SIZE
    await controlJob(redis, stream, group, 'resume')
    const verified = await verifying
    await live.worker.stop()
    await live.done

    // Then it names what was changed behind the projection's back, and nothing the worker wrote
    const drift = verified.job === 'verify' ? verified.drift : undefined
    const named = (kind: string) => {
      const { missing, extra, differing } = drift!.kinds[kind]!
      return { missing, extra, differing }
    }
    expect(named('conversations')).toEqual({
      missing: [],
      extra: ['conv-unjustified-live'],
      differing: [{ key: conversationId, fields: ['status'] }],
    })
    expect(named('utterances')).toEqual({
      missing: [lostLine],
      extra: [],
      differing: [{ key: forgedLine, fields: ['content'] }],
    })
    for (const kind of ['customers', 'applications'])
      expect(named(kind)).toEqual({ missing: [], extra: [], differing: [] })

    // and a rebuild puts it right
    await job('rebuild')
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })

  it('verify reports records changed behind the projection’s back; rebuild puts them right', async () => {
    // Given records changed directly in the database: a status, a bookkeeping, a transcript line,
    // a removed line, a removed customer and a conversation no event justifies
    const { payload } = opened
    const oracle = oracleOf(appended)
    const [conversationId] = [...oracle.conversations.keys()]
    const [applicationNumber] = [...oracle.applications.keys()]
    const [customerId] = [...oracle.customers.keys()].slice(-1)
    const [lineKey, lostLineKey] = [...oracle.utterances.keys()]
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute(`UPDATE conversations SET status = 'hard_end' WHERE conversation_id = '${conversationId}'`)
    await sqlite.execute(`UPDATE applications SET projection = '{}' WHERE application_number = '${applicationNumber}'`)
    await sqlite.execute(`UPDATE utterances SET utterance = 'forged' WHERE key = '${lineKey}'`)
    await sqlite.execute(`DELETE FROM utterances WHERE key = '${lostLineKey}'`)
    await sqlite.execute(`DELETE FROM customers WHERE customer_id = '${customerId}'`)
    sqlite.close()
    await payload.db.create({
      collection: 'conversations',
      data: { conversationId: 'conv-unjustified', status: 'active', version: 1, projection: { stamps: {} } },
    })

    // When an operator verifies (the CLI, as a cron job would)
    const { code, output } = await cli(['verify', 'dashboard', '--json'])

    // Then it exits non-zero and names each record and what differs
    expect(code).toBe(1)
    // (the report is the one line of JSON; log lines may come before or after it)
    const drift = JSON.parse(output.split('\n').find((line) => line.startsWith('{"kinds"'))!)
    expect(drift.kinds.conversations.differing).toContainEqual({ key: conversationId, fields: ['status'] })
    expect(drift.kinds.conversations.extra).toEqual(['conv-unjustified'])
    expect(drift.kinds.applications.differing).toContainEqual({ key: applicationNumber, fields: ['projection'] })
    expect(drift.kinds.customers.missing).toEqual([customerId])
    expect(drift.kinds.utterances.differing).toContainEqual({ key: lineKey, fields: ['content'] })
    expect(drift.kinds.utterances.missing).toEqual([lostLineKey])

    // When it rebuilds
    const rebuilt = await job('rebuild')

    // Then the records are what the stream says again, and verify agrees
    expect(rebuilt.job === 'rebuild' && rebuilt.report.kinds.conversations!.removed).toBe(1)
    await expectDatabaseToEqual(payload, oracle)
    const again = await job('verify')
    expect(again.job === 'verify' && again.drifted).toBe(false)
  })

  it('keeps the board answering, its count never dropping, and ends with events appended meanwhile', async () => {
    // Given a live worker, the board's list API served, and damage for the rebuild to repair
    const { payload, redis } = opened
    const server: ApiServer = await serveApi(config)
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute('UPDATE conversations SET purpose = NULL')
    sqlite.close()
    const live = startWorker(payload, stream, { connectionName: 'live-during-rebuild', stopWhenIdleMs: 60_000 })
    const before = (await payload.count({ collection: 'conversations', overrideAccess: true })).totalDocs
    await payload.create({
      collection: 'users',
      data: {
        email: 'board@example.com',
        password: 'board-pass-1',
        firstName: 'B',
        lastName: 'Oard',
        role: 'supervisor',
      },
    })
    const login = await fetch(`${server.url}/api/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'board@example.com', password: 'board-pass-1' }),
    })
    const auth = `JWT ${((await login.json()) as { token: string }).token}`
    const counts: number[] = []
    const statuses: number[] = []
    let watching = true
    const watch = (async () => {
      while (watching) {
        const res = await fetch(`${server.url}/api/conversations?limit=24&depth=0&sort=-lastActivityAt`, {
          headers: { authorization: auth },
        })
        statuses.push(res.status)
        counts.push(((await res.json()) as { totalDocs: number }).totalDocs)
      }
    })()

    // When a rebuild runs while 600 more events (new chats, and chats already stored) arrive
    const more = generateCorpus({ events: 600, seed: 92 })
    const rebuilding = job('rebuild')
    const arriving = (async () => {
      for (let i = 0; i < more.length; i += 50) {
        appended.push(...(await appendAll(redis, stream, more.slice(i, i + 50))))
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    await Promise.all([rebuilding, arriving])
    watching = false
    await watch
    await live.worker.stop()
    await drain()
    await server.close()

    // Then the board answered every time and never counted fewer conversations than before
    expect(statuses.every((status) => status === 200)).toBe(true)
    expect(counts.length).toBeGreaterThan(3)
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(before)
    // and the records are the oracle's, the new events included
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })

  it('a customer renamed while the rebuild rewrites their conversations has the new name on every one', async () => {
    // Given a rebuild that rewrites every conversation a few at a time, beside the live worker
    const { payload, redis } = opened
    const conversation = [...oracleOf(appended).conversations.values()].find(
      (candidate) => candidate.customerId && candidate.applicationNumber,
    )!
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute('UPDATE conversations SET message_count = -1')
    sqlite.close()
    process.env.REBUILD_PAGE_SIZE = '5'
    const live = startWorker(payload, stream, { connectionName: 'live-rename', stopWhenIdleMs: 60_000 })
    try {
      const rebuilding = job('rebuild')
      await until(
        async () => (await readProgress(redis, stream, PROJECTIONS.dashboard.group))?.phase === 'writing',
        'the rebuild writing',
        { timeoutMs: 60_000 },
      )

      // When the customer's name changes while it writes (the live worker copies it onto their conversations)
      const renamed = await appendAll(redis, stream, [
        {
          agt: 'broker',
          typ: 'applicationDetail_changed',
          aid: conversation.applicationNumber!,
          uid: conversation.customerId!,
          tsp: new Date().toISOString(),
          dat: JSON.stringify({
            customer: { customer_id: conversation.customerId, first_name: 'Renata', last_name: 'Newname' },
          }),
        },
      ])
      appended.push(...renamed)
      await rebuilding
    } finally {
      delete process.env.REBUILD_PAGE_SIZE
      await live.worker.stop()
    }
    await drain()

    // Then no writer put the old name back: every conversation of theirs has the new one
    const { docs } = await payload.find({
      collection: 'conversations',
      where: { customer: { exists: true } },
      pagination: false,
      depth: 1,
      overrideAccess: true,
    })
    const theirs = docs.filter(
      (doc) => typeof doc.customer === 'object' && doc.customer?.customerId === conversation.customerId,
    )
    const name = oracleOf(appended).customers.get(conversation.customerId!)!.fullName
    expect(name).toMatch(/^Renata .*Newname$/)
    expect(theirs.length).toBeGreaterThan(0)
    for (const doc of theirs) expect(doc.customerName, doc.conversationId).toBe(name)
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })

  it('replaces wrong transcript lines in place: none ever missing for a reader', async () => {
    // Given every transcript line's text damaged
    const { payload } = opened
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute("UPDATE utterances SET utterance = 'forged'")
    sqlite.close()
    const lines = (await payload.count({ collection: 'utterances', overrideAccess: true })).totalDocs
    const counts: number[] = []
    let watching = true
    const watch = (async () => {
      while (watching) {
        counts.push((await payload.count({ collection: 'utterances', overrideAccess: true })).totalDocs)
        // (SQLite answers in-process: let the rebuild's Redis replies in between reads)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()

    // When a rebuild puts them right
    const rebuilt = await job('rebuild')
    watching = false
    await watch

    // Then a reader never saw a line missing, each line was rewritten once, in place, and they are the stream's again
    expect(Math.min(...counts)).toBe(lines)
    expect(rebuilt.job === 'rebuild' && rebuilt.report.kinds.utterances).toMatchObject({
      updated: lines,
      created: 0,
      removed: 0,
    })
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })

  it('writes the records a late event links to, so the live worker finds them linked', async () => {
    // Given every conversation damaged, one record written per page, and the live worker stopped
    const { payload, redis } = opened
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute('UPDATE conversations SET message_count = -1')
    sqlite.close()
    process.env.REBUILD_PAGE_SIZE = '1'
    const { group } = PROJECTIONS.dashboard
    const customers = oracleOf(appended).customers.size

    // When a new chat (a new customer, application and conversation) arrives once the rebuild has
    // passed the customers, while it writes the applications
    const rebuilding = job('rebuild')
    const progress = () => readProgress(redis, stream, group)
    // (this job's progress: the last job's, finished, stays until this one has the lock)
    await expect
      .poll(async () => ((await progress())?.state === 'running' ? (await progress())!.compared : 0), {
        timeout: 60_000,
        interval: 10,
      })
      .toBeGreaterThan(customers)
    await controlJob(redis, stream, group, 'pause')
    await expect.poll(async () => (await progress())?.state, { timeout: 10_000, interval: 10 }).toBe('paused')
    appended.push(...(await appendAll(redis, stream, generateCorpus({ conversations: 1, seed: 93 }))))
    delete process.env.REBUILD_PAGE_SIZE
    await controlJob(redis, stream, group, 'resume')
    await rebuilding

    // and the live worker then takes the new events
    await drain()

    // Then the new application and conversation link to the new customer, as the oracle says
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })

  it('of the portal leaves the dashboard’s records byte for byte as they were', async () => {
    // Given the portal damaged, and a snapshot of every dashboard row
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute('UPDATE portal_applications SET loan_amount = 0')
    const tables = ['customers', 'applications', 'conversations', 'utterances']
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all(
          tables.map(async (table) => (await sqlite.execute(`SELECT * FROM ${table} ORDER BY id`)).rows),
        ),
      )
    const dashboardBefore = await snapshot()

    // When the portal is rebuilt
    await job('rebuild', 'portal')

    // Then the portal is the oracle's, and not one dashboard byte changed
    await expectPortalToEqual(opened.payload, portalOracleOf(appended))
    expect(await snapshot()).toBe(dashboardBefore)
    sqlite.close()
  })
})
