/**
 * Seeds DATABASE_URI (fresh) with N conversation records, straight into the table (no hooks, no
 * change feed): `NODE_ENV=production node --import tsx bench/seedConversations.ts 50000`.
 * Run with NODE_ENV=production so the schema comes from the migrations the app applies on boot.
 */
import 'dotenv/config'

import { getPayload } from 'payload'

import { FIRST_NAMES, LAST_NAMES } from '../src/events/sampleData'
import config from '../src/payload.config'

const count = Number(process.argv[2] ?? 50_000)
const payload = await getPayload({ config })
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const db = payload.db as any
const table = db.tables.conversations
const statuses = ['active', 'paused', 'soft_end', 'hard_end', 'approved', 'declined'] as const
const base = Date.parse('2025-03-03T09:00:00.000Z')
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!

const CHUNK = 500
for (let start = 0; start < count; start += 10_000) {
  await db.drizzle.transaction(async (tx: typeof db.drizzle) => {
    for (let i = start; i < Math.min(count, start + 10_000); i += CHUNK) {
      const rows = []
      for (let j = i; j < Math.min(count, start + 10_000, i + CHUNK); j++) {
        const at = new Date(base + j * 7_000).toISOString()
        rows.push({
          conversationId: `bench-conv-${String(j).padStart(6, '0')}`,
          customerName: `${pick(FIRST_NAMES, j * 7)} ${pick(LAST_NAMES, Math.floor(j / 3))}`,
          applicationNumber: `APP-${String(1_000_000 + j)}`,
          status: pick(statuses, j),
          startedAt: at,
          lastUtteranceAt: at,
          lastActivityAt: at,
          messageCount: (j % 40) + 1,
          version: 1,
          updatedAt: at,
          createdAt: at,
        })
      }
      await tx.insert(table).values(rows)
    }
  })
}
await payload.destroy()
process.exit(0)
