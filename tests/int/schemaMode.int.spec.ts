import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import path from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { migrations } from '@/migrations'
import { PROJECTIONS } from '@/projections'

import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { openSqlite } from '../helpers/sqlite'
import { appendAll, eventsOfAppended, waitUntilDrained } from '../helpers/stream'
import { killAll, spawnWorker, tailOf, untilLogged, type WorkerProcess } from '../helpers/workerProcess'

/*
 * Every entry point takes its schema from the SQLite file as it was prepared, whatever NODE_ENV
 * says, and says which: a file migrated with `pnpm payload migrate` is never pushed onto (a push
 * there died on an index the migrations had made), and a file a development push made is never
 * migrated (the migrations would create tables that exist).
 */

const opened = openPayloadAndRedis()
const spawned: WorkerProcess[] = []
afterAll(() => killAll(spawned))

/** `pnpm payload migrate` on `url`, NODE_ENV unset, as an operator types it. */
function payloadMigrate(url: string): Promise<{ code: number | null; output: string }> {
  const environment: Record<string, string | undefined> = { NODE_OPTIONS: '', NODE_ENV: undefined, DATABASE_URI: url }
  const child = spawn('pnpm', ['payload', 'migrate'], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })))
}

async function rowsOf(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const sqlite = openSqlite(url)
  try {
    return (await sqlite.execute(sql)).rows
  } finally {
    sqlite.close()
  }
}

/** The conversations a corpus starts, sorted: what the dashboard projection must hold afterwards. */
const conversationsOf = (corpus: Awaited<ReturnType<typeof appendAll>>) =>
  [...new Set(eventsOfAppended(corpus).flatMap((event) => ('conversationId' in event ? [event.conversationId] : [])))]
    .filter(Boolean)
    .sort()

/** Starts `pnpm worker` (dashboard only) on `url`, feeds it a small corpus and waits until it has projected it. */
async function workerProjects(name: string, url: string, nodeEnv: string | undefined, schemaLine: string) {
  const stream = `test:schema:${crypto.randomUUID()}`
  const worker = spawnWorker(`${name}-${stream.slice(-8)}`, {
    DATABASE_URI: url,
    PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
    REDIS_URL: process.env.REDIS_URL!,
    CHAT_LEDGER_STREAM: stream,
    WORKER_PROJECTIONS: 'dashboard',
    NODE_ENV: nodeEnv,
  })
  spawned.push(worker)
  const appended = await appendAll(opened.redis, stream, generateCorpus({ conversations: 2, seed: 25 }))

  await untilLogged(worker, schemaLine, 90_000)
  await waitUntilDrained(opened.redis, stream, PROJECTIONS.dashboard.group, 90_000)
  const stored = await rowsOf(url, 'SELECT conversation_id FROM conversations ORDER BY conversation_id')
  expect(
    stored.map((row) => row.conversation_id),
    tailOf(worker),
  ).toEqual(conversationsOf(appended))
  return worker
}

describe('the schema of a SQLite file, whatever NODE_ENV says', () => {
  it('a file migrated with `pnpm payload migrate` runs `pnpm worker` with NODE_ENV unset', async () => {
    // Given a new file, migrated as the README's production order says
    const url = `file:${path.resolve('.tmp/int', `${crypto.randomUUID()}-migrated.db`)}`
    const migrated = await payloadMigrate(url)
    expect(migrated.code, migrated.output).toBe(0)

    // When `pnpm worker` starts on it with NODE_ENV unset, Then it runs on the committed
    // migrations, says so, and projects what arrives
    await workerProjects(
      'schema-migrated',
      url,
      undefined,
      `schema: committed migrations (${migrations.length} applied)`,
    )
    // and nothing was pushed onto the file
    expect(await rowsOf(url, 'SELECT name FROM payload_migrations WHERE batch = -1')).toEqual([])
  })

  it('a file made by a development push runs a production `pnpm worker`', async () => {
    // Given this test file's own database, pushed by its Payload (NODE_ENV is not production here)
    expect(opened.payload).toBeDefined()
    const url = process.env.DATABASE_URI!
    expect(await rowsOf(url, 'SELECT name FROM payload_migrations WHERE batch = -1')).toEqual([{ name: 'dev' }])

    // When `pnpm worker` starts on it with NODE_ENV=production, Then it keeps the pushed schema
    // (unchanged since the push), says so, and projects what arrives
    await workerProjects(
      'schema-pushed',
      url,
      'production',
      'schema: development push (unchanged since the last push, skipped)',
    )
    // and no migration ran on the file
    expect(await rowsOf(url, 'SELECT name FROM payload_migrations WHERE batch > 0')).toEqual([])
  })
})
