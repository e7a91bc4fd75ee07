/*
 * Verify, rebuild and replay runs as an operator meets them: killed, stalled past their lock's
 * time, failing on an entry the database refuses; replay; the projections API.
 */
import type { ChildProcess } from 'node:child_process'

import { describe, expect, it } from 'vitest'

import { compareEntryIds } from '@/events/entryId'
import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { lineKeyOf, PROJECTIONS } from '@/projections'
import { CodeIsOlder, controlJob, readProgress, runJob } from '@/rebuild'
import { jobKeys } from '@/rebuild/control'
import { superviseJobs } from '@/ops/jobSupervisor'
import { projectionStatus } from '@/rebuild/status'
import { STORES } from '@/store'

import { expectDatabaseToEqual, expectPortalToEqual } from '../helpers/compare'
import { countersOf, startWorker } from '../helpers/inProcessWorker'
import { type CliRun, rebuildFixture } from '../helpers/rebuildFixture'
import { login, serveApi } from '../helpers/serveApi'
import { openSqlite } from '../helpers/sqlite'
import { sleep, until } from '../helpers/wait'
import { appendAll, deadLettersOf, eventsOfAppended, oracleOf, portalOracleOf } from '../helpers/stream'

const { opened, databaseUri, onSqlite, stream, appended, drain, job, cli } = rebuildFixture('rebuildRuns.int')

describe.runIf(onSqlite)('a rebuild', () => {
  it(
    'killed at any point, resumes on the next run and ends equal to the oracle, each record old or new',
    { timeout: 300_000 },
    async () => {
      // Given every conversation's message count damaged (so a rebuild writes them all)
      const { payload, redis } = opened
      const oracle = oracleOf(appended)
      const sqlite = openSqlite(databaseUri)
      await sqlite.execute('UPDATE conversations SET message_count = -1')
      const { group } = PROJECTIONS.dashboard

      // When a rebuild (writing one record per transaction) is killed (SIGKILL) while writing, at
      // its first record and again half way
      process.env.REBUILD_PAGE_SIZE = '1'
      const conversations = oracle.conversations.size
      for (const after of [1, Math.floor(conversations / 2)]) {
        const killed = await cli(['rebuild', 'dashboard', '--yes'], {
          killWhen: async () => {
            const progress = await readProgress(redis, stream, group)
            return progress?.phase === 'writing' && progress.written >= after
          },
        })
        expect(killed.code, killed.output).toBeNull()
        // (the second run took over from the run killed before it, and said so)
        if (after > 1) expect(killed.output).toMatch(/dashboard: resumed the rebuild started .* killed while/)
        // Then its status says at once that it ended without finishing (its lock names a process that is gone)
        expect((await projectionStatus(redis, 'dashboard')).job).toMatchObject({
          state: 'failed',
          error: expect.stringContaining('ended without finishing'),
        })
        // Then each conversation is either as damaged or as the stream says: never a mix
        const { rows } = await sqlite.execute('SELECT conversation_id, message_count FROM conversations')
        for (const row of rows) {
          const expected = oracle.conversations.get(String(row.conversation_id))!.messageCount
          expect([-1, expected]).toContain(Number(row.message_count))
        }
        if (after > 1) continue
        // (and a run killed before it writes, while it reads the stream, keeps the checkpoint it took over)
        const { checkpoint } = (await readProgress(redis, stream, group))!
        expect(checkpoint).toBeDefined()
        const early = await cli(['rebuild', 'dashboard', '--yes'], {
          killWhen: async () => (await readProgress(redis, stream, group))?.resumed !== undefined,
        })
        expect(early.code, early.output).toBeNull()
        expect((await readProgress(redis, stream, group))!.checkpoint).toBe(checkpoint)
      }
      sqlite.close()

      // When it runs to the end (in pages of the usual size)
      delete process.env.REBUILD_PAGE_SIZE
      const finished = await cli(['rebuild', 'dashboard', '--yes', '--json'])

      // Then it took over the dead runs' lock, resumed from where they had written to (the
      // conversations before it are not compared again), and the records are the oracle's
      expect(finished.code, finished.output).toBe(0)
      expect(finished.output).toMatch(/dashboard: resumed the rebuild started .* killed while writing/)
      const compared = (run: CliRun) => {
        const { kinds } = JSON.parse(run.output.split('\n').find((line) => line.startsWith('{"events"'))!) as {
          kinds: Record<string, { updated: number; created: number; unchanged: number }>
        }
        const { updated, created, unchanged } = kinds.conversations!
        return updated + created + unchanged
      }
      expect(compared(finished)).toBeLessThan(conversations / 2)
      await expectDatabaseToEqual(payload, oracle)

      // And killed again, `--restart` starts over: every conversation compared, nothing said of resuming
      const damaged = openSqlite(databaseUri)
      await damaged.execute('UPDATE conversations SET message_count = -1')
      damaged.close()
      process.env.REBUILD_PAGE_SIZE = '1'
      await cli(['rebuild', 'dashboard', '--yes'], {
        killWhen: async () => ((await readProgress(redis, stream, group))?.written ?? 0) >= 2,
      })
      delete process.env.REBUILD_PAGE_SIZE
      const restarted = await cli(['rebuild', 'dashboard', '--yes', '--json', '--restart'])
      expect(restarted.code, restarted.output).toBe(0)
      expect(restarted.output).not.toMatch(/resumed/)
      expect(compared(restarted)).toBe(conversations)
      await expectDatabaseToEqual(payload, oracle)
    },
  )

  it('whose process died is started again by the worker’s watch, in a process of its own, and resumes', async () => {
    // Given every conversation's message count damaged, and a rebuild killed while writing them
    const { payload, redis } = opened
    const { group } = PROJECTIONS.dashboard
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute('UPDATE conversations SET message_count = -1')
    sqlite.close()
    const progress = () => readProgress(redis, stream, group)
    const killed = await cli(['rebuild', 'dashboard', '--yes', '--by', 'cli:ops'], {
      env: { REBUILD_PAGE_SIZE: '5' },
      killWhen: async () => ((await progress())?.phase === 'writing' && (await progress())!.written >= 5) || false,
    })
    expect(killed.code, killed.output).toBeNull()

    // When the worker's watch looks at the jobs
    const supervisor = superviseJobs(redis, payload.logger, ['dashboard'], {
      intervalMs: 500,
      rebuildOnVersionChange: false,
    })
    try {
      // Then the rebuild runs again in another process, says it resumed the killed one, and finishes
      const holders = new Set<string>()
      await until(
        async () => {
          const holder = await redis.get(jobKeys(stream, group).lock)
          if (holder) holders.add(holder)
          return (await progress())?.state === 'done'
        },
        'the resumed rebuild done',
        { timeoutMs: 90_000 },
      )
      expect([...holders].some((holder) => holder.includes(`:${process.pid}:`))).toBe(false)
      expect(await progress()).toMatchObject({
        job: 'rebuild',
        by: 'cli:ops',
        resumed: expect.stringMatching(/^resumed the rebuild started .* by cli:ops, killed while writing/),
      })
      await expectDatabaseToEqual(payload, oracleOf(appended))
    } finally {
      supervisor.stop()
    }
  })

  it(
    'stalled past its lock’s time while another job starts, writes nothing more and says why',
    { timeout: 120_000 },
    async () => {
      // Given every conversation's message count damaged, and a rebuild (the CLI) writing them a few at a time
      const { payload, redis } = opened
      const { group } = PROJECTIONS.dashboard
      const sqlite = openSqlite(databaseUri)
      await sqlite.execute('UPDATE conversations SET message_count = -1')
      let child: ChildProcess | undefined
      const stalled = cli(['rebuild', 'dashboard', '--yes'], {
        env: { REBUILD_PAGE_SIZE: '5', REBUILD_LOCK_MS: '1500' },
        started: (started) => (child = started),
      })
      const progress = () => readProgress(redis, stream, group)
      await until(
        async () => (await progress())?.phase === 'writing' && (await progress())!.written > 0,
        'the rebuild writing',
        { timeoutMs: 60_000 },
      )

      // When it stalls past its lock's time (paused between pages, then stopped: nothing renews the lock)
      await controlJob(redis, stream, group, 'pause')
      await until(async () => (await progress())?.state === 'paused', 'the rebuild paused')
      child!.kill('SIGSTOP')
      await until(async () => (await redis.exists(jobKeys(stream, group).lock)) === 0, 'its lock lapsed')
      // and another job of the projection runs meanwhile (a verify, which writes nothing itself)
      const verified = await job('verify')
      expect(verified.job === 'verify' && verified.drifted).toBe(true)
      const continuedAt = new Date().toISOString()
      child!.kill('SIGCONT')
      const { code, output } = await stalled

      // Then the stalled rebuild stops, saying it lost its lock, and writes nothing after it continued
      expect(code, output).toBe(2)
      expect(output).toMatch(/lost the lock on dashboard: it lapsed/)
      const count = async (where: string) =>
        Number((await sqlite.execute(`SELECT count(*) AS n FROM conversations WHERE ${where}`)).rows[0]!.n)
      expect(await count(`updated_at > '${continuedAt}'`)).toBe(0)
      expect(await count('message_count = -1')).toBeGreaterThan(0)
      // and the progress the view reads is still the verify's, which came after it
      expect(await progress()).toMatchObject({ job: 'verify', state: 'done' })
      sqlite.close()

      // And the next rebuild puts everything right
      await job('rebuild')
      await expectDatabaseToEqual(payload, oracleOf(appended))
    },
  )

  it('failing on a line the database refuses, names the entry that made it', async () => {
    // Given a transcript line lost from the database, and a database that refuses it back
    const { payload, redis } = opened
    const lineKey = [...oracleOf(appended).utterances.keys()][7]!
    const madeBy = eventsOfAppended(appended).find((event) => lineKeyOf(event) === lineKey)!.entryId
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute(`DELETE FROM utterances WHERE key = '${lineKey}'`)
    await sqlite.execute(
      `CREATE TRIGGER refuse_line BEFORE INSERT ON utterances WHEN NEW.key = '${lineKey}' ` +
        `BEGIN SELECT RAISE(ABORT, 'line refused'); END`,
    )
    try {
      // When a rebuild puts the lines back
      const rebuilding = job('rebuild')

      // Then it fails naming the entry that made the line, to the CLI and in the progress the view reads
      await expect(rebuilding).rejects.toThrow(`writing the line of entry ${madeBy} failed`)
      expect(await readProgress(redis, stream, PROJECTIONS.dashboard.group)).toMatchObject({
        state: 'failed',
        errorEntryId: madeBy,
        error: expect.stringMatching(/^writing the line of the entry failed: .*line refused$/),
      })
    } finally {
      await sqlite.execute('DROP TRIGGER refuse_line')
      sqlite.close()
    }
    // and, the database fixed, the next rebuild puts the line back
    await job('rebuild')
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })
})

describe.runIf(onSqlite)('across a deploy', () => {
  it('code older than the stored projection goes on projecting, and refuses to rebuild or replay it', async () => {
    // Given the dashboard's records built by a newer version than this code's (the new half of a
    // rolling deploy rebuilt them)
    const { payload, redis } = opened
    const { group, version } = PROJECTIONS.dashboard
    const versionKey = jobKeys(stream, group).version
    await redis.set(versionKey, version + 1)
    try {
      // When this code is asked to rebuild or replay it (the CLI, as an operator would)
      const rebuilt = await cli(['rebuild', 'dashboard', '--yes'])
      const replayed = runJob(payload, redis, 'replay', 'dashboard', { by: 'test', from: appended[0]!.id })

      // Then both are refused, saying why, and no job started
      expect(rebuilt.code, rebuilt.output).toBe(3)
      expect(rebuilt.output).toContain(
        `dashboard: code older than the stored projection: records built by version ${version + 1}, ` +
          `this code is version ${version}`,
      )
      await expect(replayed).rejects.toThrow(CodeIsOlder)
      expect(await redis.exists(jobKeys(stream, group).lock)).toBe(0)
      // and status says what this code does instead
      const status = await cli(['status', 'dashboard'])
      expect(status.output).toContain('it projects new events; rebuild and replay refused')

      // And its live worker goes on projecting new events, leaving the stored version alone
      appended.push(...(await appendAll(redis, stream, generateCorpus({ conversations: 2, seed: 97 }))))
      await drain()
      await expectDatabaseToEqual(payload, oracleOf(appended))
      expect(Number(await redis.get(versionKey))).toBe(version + 1)
    } finally {
      await redis.set(versionKey, version)
    }
  })
})

describe.runIf(onSqlite)('a projection new to a running system', () => {
  it('is built in bulk to the stream’s end; its group starts right after: nothing lost or twice', async () => {
    // Given the portal as if just added: no consumer group, no stored version, no records, on a
    // stream longer than the first-build threshold
    const { payload, redis } = opened
    const { group } = PROJECTIONS.portal
    await redis.xgroup('DESTROY', stream, group)
    await redis.del(jobKeys(stream, group).version)
    for (const { collection } of Object.values(STORES.portal.kinds))
      await payload.db.deleteMany({ collection, where: {} })
    process.env.FIRST_BUILD_MIN_EVENTS = '1000'
    // and events that keep arriving (a new chat every 100 ms)
    let arriving = true
    const arrivals = (async () => {
      for (let seed = 2_000; arriving; seed++) {
        appended.push(...(await appendAll(redis, stream, generateCorpus({ conversations: 1, seed }))))
        await sleep(100)
      }
    })()

    // When its worker starts, beside the workers' watch over jobs
    const worker = startWorker(payload, stream, { connectionName: 'new-portal', store: STORES.portal })
    const supervisor = superviseJobs(redis, payload.logger, ['portal'], {
      intervalMs: 300,
      rebuildOnVersionChange: false,
    })
    try {
      // Then a rebuild builds it (in a process of its own), and creates its group where it stopped folding
      const progress = () => readProgress(redis, stream, group)
      await until(async () => (await progress())?.state === 'done', 'the first build done', { timeoutMs: 90_000 })
      const built = JSON.parse((await progress())!.report!) as { groupCreatedAt?: string }
      expect((await progress())!.by).toMatch(/\(first build\)$/)
      expect(built.groupCreatedAt).toBeDefined()
      // and the worker, which waited for it, takes every event after that entry, once
      await sleep(1_000)
    } finally {
      arriving = false
      await arrivals
      supervisor.stop()
    }
    await worker.done
    const built = JSON.parse((await readProgress(redis, stream, group))!.report!) as { groupCreatedAt: string }
    const after = appended.filter(({ id }) => compareEntryIds(id, built.groupCreatedAt) > 0).length
    expect((await countersOf(redis, worker.settings)).processed).toBe(after)
    expect(after).toBeGreaterThan(0)
    await expectPortalToEqual(payload, portalOracleOf(appended))
    delete process.env.FIRST_BUILD_MIN_EVENTS
  })
})

describe.runIf(onSqlite)('replay', () => {
  it('projects a conversation’s events again into the live projection, and a second time changes nothing', async () => {
    // Given a conversation the database refused, its events dead-lettered at the first failure
    const { payload, redis } = opened
    const corpus = generateCorpus({ conversations: 2, seed: 93 })
    const refused = corpus[0]!.cid!
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute(
      `CREATE TRIGGER refuse_replay BEFORE INSERT ON conversations WHEN NEW.conversation_id = '${refused}' ` +
        `BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    )
    const start = appended.at(-1)!.id
    appended.push(...(await appendAll(redis, stream, corpus)))
    // and, among them, an entry that is no event at all (the worker dead-letters it)
    const malformed = (await redis.xadd(
      stream,
      '*',
      ...['agt', 'broker', 'typ', 'user_input', 'cid', 'conv-malformed', 'seq', 'abc', 'dat', '{}'],
    ))!
    await startWorker(payload, stream, { connectionName: 'refusing', maxAttempts: 1 }).done
    expect((await deadLettersOf(redis, stream)).some((letter) => letter.fields.includes(refused))).toBe(true)
    await sqlite.execute('DROP TRIGGER refuse_replay')
    sqlite.close()

    // When the operator replays that conversation from where its events began
    const first = await runJob(payload, redis, 'replay', 'dashboard', {
      by: 'test',
      from: start,
      conversation: refused,
    })
    const second = await runJob(payload, redis, 'replay', 'dashboard', {
      by: 'test',
      from: start,
      conversation: refused,
    })

    // Then the first projects it as the stream says, and the second changes nothing
    expect(first.job === 'replay' && first.report.changed).toBeGreaterThan(0)
    expect(second.job === 'replay' && second.report).toMatchObject({ changed: 0 })
    // and both say which entry of the range they left out, and why it is not in the result
    expect(first.job === 'replay' && first.report.skipped).toEqual({ count: 1, firstIds: [malformed] })
    const conversation = oracleOf(appended).conversations.get(refused)!
    const stored = await payload.find({ collection: 'conversations', where: { conversationId: { equals: refused } } })
    expect(stored.docs[0]).toMatchObject({ messageCount: conversation.messageCount, status: conversation.status })
  })

  it('failing on an event the database refuses, names its entry', async () => {
    // Given new chats, one of whose conversations the database refuses
    const { payload, redis } = opened
    const corpus = generateCorpus({ conversations: 3, seed: 96 })
    const refused = corpus.at(-1)!.cid!
    const sqlite = openSqlite(databaseUri)
    await sqlite.execute(
      `CREATE TRIGGER refuse_conversation BEFORE INSERT ON conversations WHEN NEW.conversation_id = '${refused}' ` +
        `BEGIN SELECT RAISE(ABORT, 'conversation refused'); END`,
    )
    const added = await appendAll(redis, stream, corpus)
    appended.push(...added)
    const events = eventsOfAppended(added)
    const firstOfRefused = events.find((event) => event.conversationId === refused)!.entryId
    try {
      // When the operator replays them
      const replaying = runJob(payload, redis, 'replay', 'dashboard', { by: 'test', from: added[0]!.id })

      // Then it fails naming the refused conversation's first entry, to the CLI and in the progress the view reads
      await expect(replaying).rejects.toThrow(`projecting entry ${firstOfRefused} failed`)
      expect(await readProgress(redis, stream, PROJECTIONS.dashboard.group)).toMatchObject({
        state: 'failed',
        errorEntryId: firstOfRefused,
        error: expect.stringMatching(/^projecting the entry failed: .*conversation refused$/),
      })
      // and what came before that entry was replayed
      const before = events.slice(
        0,
        events.findIndex((event) => event.entryId === firstOfRefused),
      )
      const started = [...new Set(before.map((event) => event.conversationId!))]
      const stored = await payload.find({ collection: 'conversations', where: { conversationId: { in: started } } })
      expect(stored.totalDocs).toBe(started.length)
    } finally {
      await sqlite.execute('DROP TRIGGER refuse_conversation')
      sqlite.close()
    }
    await drain()
  })
})

/** The API served, an admin and a supervisor (Authorization headers), and a request to /api/projections<path>. */
async function projectionsApi(emailPrefix: string) {
  const server = await serveApi(config)
  const tokenOf = async (email: string, role: 'admin' | 'supervisor') => {
    await opened.payload.create({
      collection: 'users',
      data: { email, password: 'projections-1', firstName: 'P', lastName: role, role },
    })
    return login(server.url, email, 'projections-1')
  }
  const admin = await tokenOf(`${emailPrefix}-admin@example.com`, 'admin')
  const supervisor = await tokenOf(`${emailPrefix}-supervisor@example.com`, 'supervisor')
  const call = (path: string, auth?: string, body?: unknown) =>
    fetch(`${server.url}/api/projections${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  return { server, admin, supervisor, call }
}

describe.runIf(onSqlite)('the projections API', () => {
  it('is for admins only, says what a job touches, runs one job per projection, and reports it', async () => {
    // Given the API served, an admin and a supervisor
    const { payload } = opened
    const { server, admin, supervisor, call } = await projectionsApi('projections')
    try {
      // Then anonymous callers and supervisors are refused, with a message
      expect((await call('')).status).toBe(401)
      const refused = await call('/dashboard/rebuild', supervisor, { confirmed: true })
      expect(refused.status).toBe(403)
      expect(((await refused.json()) as { message: string }).message).toMatch(/admins/)

      // and an admin sees each projection with what a job would touch
      const listed = (await (await call('', admin)).json()) as {
        projections: Array<{ name: string; version: number; rebuildNeeded: boolean; plan: { events: number } }>
      }
      expect(listed.projections.map(({ name }) => name)).toEqual(['dashboard', 'portal'])
      expect(listed.projections[0]!.plan.events).toBe(await opened.redis.xlen(stream))
      expect(listed.projections.every(({ rebuildNeeded }) => !rebuildNeeded)).toBe(true)

      // When an admin asks without confirming, or for a projection that does not exist
      expect((await call('/dashboard/rebuild', admin, {})).status).toBe(400)
      expect((await call('/nothing/verify', admin, { confirmed: true })).status).toBe(404)

      // When an admin starts a rebuild, pauses it, and starts another meanwhile
      expect((await call('/dashboard/rebuild', admin, { confirmed: true })).status).toBe(202)
      expect((await call('/dashboard/control', admin, { action: 'pause' })).status).toBe(200)
      const second = await call('/dashboard/verify', admin, { confirmed: true })
      // Then the second is refused while the first holds the projection
      expect(second.status).toBe(409)
      expect(((await second.json()) as { message: string }).message).toMatch(/already running/)

      // When it is resumed, it runs to the end, and its report is there to read
      expect((await call('/dashboard/control', admin, { action: 'resume' })).status).toBe(200)
      await expect
        .poll(
          async () => {
            const { projections } = (await (await call('', admin)).json()) as {
              projections: Array<{ job: { job: string; state: string; by: string } | null }>
            }
            return projections[0]!.job
          },
          { timeout: 60_000, interval: 200 },
        )
        .toMatchObject({ job: 'rebuild', state: 'done', by: 'admin:projections-admin@example.com' })

      // and the audit log says who did what, and how it went
      const [adminUser] = (
        await payload.find({ collection: 'users', where: { email: { equals: 'projections-admin@example.com' } } })
      ).docs
      const { docs } = await payload.find({
        collection: 'audit-log',
        where: { target: { equals: 'dashboard' }, user: { equals: adminUser!.id } },
        sort: 'createdAt',
        depth: 0,
        limit: 10,
      })
      expect(docs.map(({ action, result }) => [action, result])).toEqual([
        ['projection.pause', 'succeeded'],
        ['projection.resume', 'succeeded'],
        ['projection.rebuild', 'succeeded'],
      ])
    } finally {
      await server.close()
    }
  })

  it('refuses a name no projection has, even one every object inherits, and starts nothing', async () => {
    // Given the API served, an admin, and the Redis keys of this stream as they stand
    const { payload, redis } = opened
    const { server, admin, call } = await projectionsApi('inherited')
    const keysBefore = (await redis.keys(`${stream}*`)).sort()
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty']
    try {
      for (const name of names) {
        for (const [action, body] of [
          ['verify', { confirmed: true }],
          ['rebuild', { confirmed: true }],
          ['control', { action: 'pause' }],
        ] as const) {
          // When an admin asks to verify or rebuild it, or to pause its job
          const answer = await call(`/${name}/${action}`, admin, body)
          // Then it is an unknown projection, and the answer says which ones there are
          expect(answer.status, `${action} ${name}`).toBe(404)
          expect(((await answer.json()) as { message: string }).message).toBe(
            `There is no projection named “${name}”: choose dashboard or portal.`,
          )
        }
      }
      // and no job started: no Redis state, no audit entry
      expect((await redis.keys(`${stream}*`)).sort()).toEqual(keysBefore)
      const audited = await payload.find({ collection: 'audit-log', where: { target: { in: names } }, depth: 0 })
      expect(audited.docs).toEqual([])
    } finally {
      await server.close()
    }
  })
})
