/**
 * `pnpm bench --only board`: the live board's "needs attention" filter against 50,000
 * conversations on the embedded default (SQLite, schema from the migrations): the first page of
 * cards and the count, p95 over REQUESTS reads, median of 3 runs with min/max. Beside each, the
 * same-run raw baseline: the unfiltered first page and count. Timing starts once the database
 * is seeded and Payload is ready.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import type { Payload } from 'payload'

import type { Finder } from '@/board/finder'

import { seedConversations } from '../tests/helpers/seedConversations'

type Line = (label: string, value: string) => void
type Fmt = (n: number, digits?: number) => string

const CONVERSATIONS = 50_000
const REQUESTS = 100
const RUNS = 3

const p95 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.ceil(samples.length * 0.95) - 1]!
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

export default async function runBoard(line: Line, fmt: Fmt): Promise<void> {
  console.log(`Live board: the "needs attention" filter over ${fmt(CONVERSATIONS)} conversations (SQLite, migrations)`)
  const dir = path.resolve('.tmp/bench')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `board-${crypto.randomUUID()}.db`)
  process.env.DATABASE_URI = `file:${file}`
  // Production mode: the schema the app gets from its migrations (indexes included).
  ;(process.env as Record<string, string>).NODE_ENV = 'production'
  const [{ getPayload }, { default: config }, cards, rules] = await Promise.all([
    import('payload'),
    import('../src/payload.config'),
    import('@/board/cards'),
    import('../src/attention/rules'),
  ])
  const payload = await getPayload({ config })
  payload.logger.level = 'error'
  try {
    await seed(payload)
    const finder = (async (collection, args) =>
      payload.find({
        collection,
        ...args,
        depth: 0,
        overrideAccess: true,
      })) as Finder
    // The board's clock: an hour after the last seeded start, so the time-based rules match a share.
    const now = Date.parse('2025-03-03T09:00:00.000Z') + CONVERSATIONS * 7_000 + 3_600_000
    const judge = { thresholds: rules.DEFAULT_THRESHOLDS, now: () => now }
    const flagged = await cards.countAttention(finder, judge)
    line('conversations / needing attention', `${fmt(CONVERSATIONS)} / ${fmt(flagged)}`)

    const measure = async (read: () => Promise<unknown>) => {
      const p95s: number[] = []
      for (let run = 0; run < RUNS; run++) {
        const samples: number[] = []
        for (let i = 0; i < REQUESTS; i++) {
          const started = performance.now()
          await read()
          samples.push(performance.now() - started)
        }
        p95s.push(p95(samples))
      }
      return `p95 ${fmt(median(p95s), 1)} ms (min ${fmt(Math.min(...p95s), 1)}, max ${fmt(Math.max(...p95s), 1)})`
    }
    const all = { search: '', status: null }
    const attention = { ...all, attention: true }
    line(
      'attention: first page (24 cards, completed)',
      await measure(() => cards.loadCards(finder, attention, { judge })),
    )
    line('  baseline: unfiltered first page', await measure(() => cards.loadCards(finder, all)))
    line('attention: count', await measure(() => cards.countAttention(finder, judge)))
    line(
      '  baseline: count of all',
      await measure(() => finder('conversations', { limit: 1, select: { conversationId: true } })),
    )
    line('target', 'attention first page and count p95 < 100 ms')
  } finally {
    await payload.destroy()
    fs.rmSync(file, { force: true })
  }
}

/** 50,000 conversations with varied attention signals, straight into the table (no hooks, no feed). */
function seed(payload: Payload) {
  return seedConversations(payload, CONVERSATIONS, {
    prefix: 'bench-conv',
    more: (j, at) => ({
      identityRiskScore: (j * 37) % 100,
      identityRiskBand: (j * 37) % 100 >= 70 ? 'HIGH' : 'LOW',
      fraudResult: j % 11 === 0 ? 'REVIEW' : j % 29 === 0 ? 'FAIL' : 'PASS',
      serviceable: j % 13 !== 0,
      currentStep: 'loan_amount',
      stepSince: at,
      waitingOn: j % 2 ? 'customer' : 'assistant',
      questionRepeats: j % 17 === 0 ? 3 : 1,
    }),
  })
}
