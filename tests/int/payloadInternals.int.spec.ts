/*
 * src/store/internals leans on parts of Payload's SQLite adapter and of libsql that neither
 * promises to keep. This file fails, naming what moved, when an upgrade changes a version they
 * were written for or breaks one of the assumptions: read src/store/internals again, check the
 * assumption by hand, then bump src/store/internals/versions.ts.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import config from '@/payload.config'
import { STORES } from '@/store'
import { dashboardStore } from '@/store/dashboard'
import { openTableReader, sqliteAdapterOf } from '@/store/internals/sqlite'
import { storedLines } from '@/store/lines'
import { readIndexed, readThroughAdapter } from '@/store/reads'
import { WRITTEN_FOR } from '@/store/internals/versions'
import { writerFor } from '@/store/writer'

const onSqlite = (process.env.DATABASE_URI ?? 'file:').startsWith('file:')
if (!onSqlite) console.warn('[payloadInternals.int] SQLite checks SKIPPED: DATABASE_URI is not a SQLite file.')

/**
 * The installed version of a package, resolved from the project or from another package's own
 * dependencies: the nearest package.json above its entry point that carries its name.
 */
function installedVersion(name: string, from?: string): string {
  const base = createRequire(path.resolve('package.json'))
  const resolver = from ? createRequire(base.resolve(from)) : base
  for (let dir = path.dirname(resolver.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    if (!fs.existsSync(file)) continue
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string }
    if (manifest.name === name) return manifest.version
  }
  throw new Error(`cannot find ${name}'s package.json`)
}

let payload: Payload

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
})

afterAll(async () => {
  await payload?.destroy()
})

describe('Payload internals the store relies on', () => {
  it('are the versions src/store/internals was written for', () => {
    // A difference here is not a bug: it is the moment to read src/store/internals again
    expect({
      payload: installedVersion('payload'),
      '@payloadcms/db-sqlite': installedVersion('@payloadcms/db-sqlite'),
      '@payloadcms/db-mongodb': installedVersion('@payloadcms/db-mongodb'),
      '@libsql/client': installedVersion('@libsql/client', '@payloadcms/db-sqlite'),
      libsql: installedVersion('libsql'),
      'drizzle-orm': installedVersion('drizzle-orm', '@payloadcms/drizzle'),
    }).toEqual(WRITTEN_FOR)
  })

  it.runIf(onSqlite)('SQLite: the adapter exposes its client, drizzle, tables and their names', () => {
    const sqlite = sqliteAdapterOf(payload)
    expect(sqlite, 'payload.db no longer has client, drizzle, tables and tableNameMap').toBeDefined()
    // and a table for each kind of lines (bulk inserts go through drizzle), with the columns they name
    for (const store of Object.values(STORES)) {
      for (const kind of Object.values(store.kinds)) {
        if (!('parentField' in kind)) continue
        const table = sqlite!.tables[kind.collection]
        expect(table, `no drizzle table for ${kind.collection}`).toBeDefined()
        for (const column of ['id', 'key', kind.parentField])
          expect(table![column], `${kind.collection}.${column}`).toBeDefined()
      }
    }
  })

  it.runIf(onSqlite)('SQLite: a line read straight from its table reads as Payload reads it', async () => {
    // Given transcript lines with every kind of value: booleans, JSON, numbers, nulls, a date
    const conversation = await payload.db.create({
      collection: 'conversations',
      data: { conversationId: 'conv-read-lines', status: 'active', version: 1, projection: { stamps: {} } },
    })
    const line = (seq: number, extra: Record<string, unknown>) => ({
      key: `conv-read-lines:user_input:${seq}`,
      conversation: conversation.id,
      eventId: `1700000000000-${seq}`,
      seq,
      username: 'customer',
      utterance: `line ${seq}`,
      timestamp: '2025-03-03T09:00:00.000Z',
      ...extra,
    })
    await writerFor(payload).transaction('internals-test', (tx) =>
      tx.writeLines('utterances', [
        line(1, { endConversation: true, additionalData: { choice: ['a', 'b'], amount: 2 }, prevSeq: null }),
        line(2, { endConversation: false, answerInputType: 'phone', prevSeq: 1, rationale: 'Collecting phone' }),
      ]),
    )
    const columns = ['key', 'conversation', ...dashboardStore.kinds.utterances.columns]

    // When they are read from the table (on a connection of its own: the database is a local file), and through Payload
    const reader = openTableReader(sqliteAdapterOf(payload)!)
    expect(reader, 'no read-only connection to a local SQLite file').toBeDefined()
    reader!.close()
    const read: Array<Record<string, unknown>> = []
    for await (const rows of storedLines(payload, 'utterances', columns, 1)) read.push(...rows)
    const { docs } = await payload.db.find({
      collection: 'utterances',
      where: { key: { like: 'conv-read-lines:' } },
      sort: 'key',
      pagination: false,
    })

    // Then each column holds the same value (verify compares them with the folds' lines)
    const asPayloadReads = (docs as Array<Record<string, unknown>>).map((doc) =>
      Object.fromEntries(columns.map((column) => [column, doc[column] ?? null])),
    )
    expect(read.filter((row) => String(row.key).startsWith('conv-read-lines:'))).toEqual(asPayloadReads)
  })

  it.runIf(onSqlite)(
    'SQLite: a request’s prepared read gives the rows payload.db.find gives, page by page',
    async () => {
      // Given a customer's portal applications: times tied, one without a time, one without an answer
      const customerId = 'CUS-prepared-read'
      const times = ['2025-03-03T09:00:00.000Z', '2025-03-04T09:00:00.000Z', '2025-03-04T09:00:00.000Z', null, null]
      for (const [i, lastUpdateAt] of times.entries()) {
        await payload.db.create({
          collection: 'portal-applications',
          data: {
            applicationNumber: `APP-prepared-${i}`,
            customerId,
            status: 'draft',
            progressPercentage: 0,
            customerName: 'Pat Prepared',
            documents: [],
            outstanding: [],
            hasOutstanding: false,
            lastUpdateAt,
            answer: i === 2 ? null : `{"applicationNumber":"APP-prepared-${i}"}`,
            outcome: 'pending',
            identityDocuments: [],
            version: 1,
            projection: { stamps: {} },
          },
        })
      }
      await payload.db.create({
        collection: 'portal-applications',
        data: {
          applicationNumber: 'APP-prepared-other',
          customerId: 'CUS-someone-else',
          status: 'draft',
          progressPercentage: 0,
          customerName: 'Sam Else',
          documents: [],
          outstanding: [],
          hasOutstanding: false,
          outcome: 'pending',
          identityDocuments: [],
          version: 1,
          projection: { stamps: {} },
        },
      })
      const columns = ['answer', 'lastUpdateAt', 'applicationNumber']
      const page = (after?: { at: string | null; key: string }) => ({
        collection: 'portal-applications',
        columns,
        equal: { customerId },
        newestFirst: { time: 'lastUpdateAt', key: 'applicationNumber', after },
        limit: 2,
      })

      // When the customer's newest first are read two at a time, prepared and through the adapter
      const pages: Array<Array<Record<string, unknown>>> = []
      let after: { at: string | null; key: string } | undefined
      for (;;) {
        const prepared = await readIndexed(payload, page(after))
        // Then every page is the adapter's, value for value
        expect(prepared, JSON.stringify(after)).toEqual(await readThroughAdapter(payload, page(after)))
        if (prepared.length === 0) break
        pages.push(prepared)
        const last = prepared.at(-1)!
        after = { at: last.lastUpdateAt as string | null, key: String(last.applicationNumber) }
      }
      // and together they are the customer's five, newest first, those without a time last
      expect(pages.flat().map((row) => row.applicationNumber)).toEqual([
        'APP-prepared-2',
        'APP-prepared-1',
        'APP-prepared-0',
        'APP-prepared-4',
        'APP-prepared-3',
      ])
      // and a read by key and owner finds one, or none for another owner
      const one = { collection: 'portal-applications', columns, limit: 1 }
      const mine = { ...one, equal: { applicationNumber: 'APP-prepared-1', customerId } }
      expect(await readIndexed(payload, mine)).toEqual(await readThroughAdapter(payload, mine))
      expect(await readIndexed(payload, mine)).toHaveLength(1)
      expect(
        await readIndexed(payload, { ...one, equal: { applicationNumber: 'APP-prepared-other', customerId } }),
      ).toEqual([])
    },
  )

  it.runIf(onSqlite)('SQLite: the committed migrations describe the schema the config declares', async () => {
    // Production mode runs migrations, not a schema push: a collection or field without one is a
    // table or column missing in production (found once: the portal's tables)
    const db = payload.db as unknown as {
      migrationDir: string
      schema: unknown
      requireDrizzleKit: () => {
        generateDrizzleJson: (schema: unknown) => Promise<unknown>
        generateMigration: (before: unknown, after: unknown) => Promise<string[]>
      }
    }
    const latest = fs
      .readdirSync(db.migrationDir)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .at(-1)!
    const before = JSON.parse(fs.readFileSync(path.join(db.migrationDir, latest), 'utf8'))
    const { generateDrizzleJson, generateMigration } = db.requireDrizzleKit()
    const missing = await generateMigration(before, await generateDrizzleJson(db.schema))
    expect(missing, 'schema changes without a migration: run pnpm payload migrate:create <name>').toEqual([])
  })
})
