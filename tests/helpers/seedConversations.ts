import type { Payload } from 'payload'

import { FIRST_NAMES, LAST_NAMES } from '@/events/sampleData'

const STATUSES = ['active', 'paused', 'soft_end', 'hard_end', 'approved', 'declined'] as const
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!

export type SeedOptions = {
  /** When the first conversation happened; each next one 7 s later. */
  base?: number
  /** Conversation ids are `<prefix>-000000`, `<prefix>-000001`, … */
  prefix?: string
  /** More columns for the `j`th record, which happened at `at` (the bench's attention signals). */
  more?: (j: number, at: string) => Record<string, unknown>
}

/**
 * `count` conversation records straight into the SQLite table (no hooks, no change feed): a large
 * board in seconds, for the tests and the bench. SQLite (drizzle) only.
 */
export async function seedConversations(
  payload: Payload,
  count: number,
  { base = Date.parse('2025-03-03T09:00:00Z'), prefix = 'seed-conv', more }: SeedOptions = {},
) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter's drizzle handle
  const db = payload.db as any
  const table = db.tables.conversations
  await db.drizzle.transaction(async (tx: typeof db.drizzle) => {
    for (let i = 0; i < count; i += 500) {
      const rows = []
      for (let j = i; j < Math.min(count, i + 500); j++) {
        const at = new Date(base + j * 7_000).toISOString()
        const status = pick(STATUSES, j)
        rows.push({
          conversationId: `${prefix}-${String(j).padStart(6, '0')}`,
          customerName: `${pick(FIRST_NAMES, j * 7)} ${pick(LAST_NAMES, Math.floor(j / 3))}`,
          applicationNumber: `APP-${String(1_000_000 + j)}`,
          status,
          finalDecision: status === 'approved' || status === 'declined' ? status : null,
          startedAt: at,
          lastUtteranceAt: at,
          lastActivityAt: at,
          messageCount: (j % 40) + 1,
          version: 1,
          updatedAt: at,
          createdAt: at,
          ...more?.(j, at),
        })
      }
      await tx.insert(table).values(rows)
    }
  })
}
