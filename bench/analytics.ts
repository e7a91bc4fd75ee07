/**
 * `pnpm bench --only analytics`: with 50,000 conversations in a fresh SQLite file, in process:
 *   1. the analytics view's figures (GET /api/analytics's query) for 1, 7, 30 and 14 days, p95 of 20
 *      requests, median of 3 runs (min/max), beside a raw indexed count of the same table;
 *   2. the board's CSV export of every row: time and peak RSS, beside one page read.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

type Line = (label: string, value: string) => void
type Fmt = (n: number, digits?: number) => string

const CONVERSATIONS = 50_000
const REQUESTS = 20
const RUNS = 3
const DAY = 86_400_000

const p95 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.ceil(samples.length * 0.95) - 1]!
const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

export default async function runAnalytics(line: Line, fmt: Fmt) {
  const dir = path.resolve('.tmp/bench')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `analytics-${crypto.randomUUID()}.db`)
  process.env.DATABASE_URI = `file:${file}`
  const { createLocalReq, getPayload } = await import('payload')
  const { default: config } = await import('@/payload.config')
  const { analyticsFor } = await import('@/analytics/query')
  const { businessTimeZone } = await import('@/analytics/settings')
  const { boardCsv } = await import('@/export/conversation')
  const payload = await getPayload({ config })
  payload.logger.level = 'error'
  try {
    // 50,000 conversations over 30 days, about half decided 5 to 120 minutes after their start.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = payload.db as any
    const end = Date.now()
    const spacing = (30 * DAY) / CONVERSATIONS
    await db.drizzle.transaction(async (tx: typeof db.drizzle) => {
      for (let i = 0; i < CONVERSATIONS; i += 500) {
        const rows = []
        for (let j = i; j < Math.min(CONVERSATIONS, i + 500); j++) {
          const started = end - 30 * DAY + j * spacing
          const decision = j % 4 === 0 ? 'approved' : j % 4 === 1 ? 'declined' : null
          const at = new Date(started).toISOString()
          rows.push({
            conversationId: `bench-a-${String(j).padStart(6, '0')}`,
            status: decision ?? (j % 4 === 2 ? 'active' : 'soft_end'),
            finalDecision: decision,
            decidedAt: decision ? new Date(started + (5 + (j % 115)) * 60_000).toISOString() : null,
            msToDecision: decision ? (5 + (j % 115)) * 60_000 : null,
            identityRiskBand: ['LOW', 'MEDIUM', 'HIGH'][j % 3],
            startedAt: at,
            lastActivityAt: at,
            messageCount: (j % 40) + 1,
            version: 1,
            updatedAt: at,
            createdAt: at,
          })
        }
        await tx.insert(db.tables.conversations).values(rows)
      }
    })
    const user = (await payload.create({
      collection: 'users',
      data: {
        email: 'bench-analytics@example.com',
        password: 'bench-pass-1',
        firstName: 'B',
        lastName: 'A',
        role: 'supervisor',
      },
    })) as never
    const req = await createLocalReq({ user }, payload)

    const timed = async (run: () => Promise<unknown>) => {
      const started = performance.now()
      await run()
      return performance.now() - started
    }
    const p95Runs = async (run: () => Promise<unknown>) => {
      await run()
      const figures: number[] = []
      for (let r = 0; r < RUNS; r++) {
        const samples: number[] = []
        for (let i = 0; i < REQUESTS; i++) samples.push(await timed(run))
        figures.push(p95(samples))
      }
      const [min, max] = [Math.min(...figures), Math.max(...figures)]
      return `${fmt(medianOf(figures), 1)} ms (min ${fmt(min, 1)}, max ${fmt(max, 1)})`
    }

    console.log(`Analytics: ${fmt(CONVERSATIONS)} conversations, p95 of ${REQUESTS} requests, median of ${RUNS} runs`)
    line(
      'raw baseline: count of all conversations',
      await p95Runs(() => payload.db.count({ collection: 'conversations', req })),
    )
    // The view's presets, and the most buckets the endpoint allows (14 days per hour).
    const ranges = [
      [1, 'hour'],
      [7, 'day'],
      [30, 'day'],
      [14, 'hour'],
    ] as const
    for (const [days, bucket] of ranges) {
      const range = {
        from: new Date(end - days * DAY).toISOString(),
        to: new Date(end).toISOString(),
        bucket,
        timeZone: businessTimeZone(payload.config),
      }
      line(`analytics figures, last ${days} day(s), per ${range.bucket}`, await p95Runs(() => analyticsFor(req, range)))
    }

    console.log('CSV export of the whole board (streamed)')
    const onePage = () => payload.db.find({ collection: 'conversations', limit: 1_000, pagination: false, req })
    line('raw baseline: one page of 1,000 rows (adapter read)', `${fmt(await timed(onePage), 1)} ms`)
    const rssBefore = process.memoryUsage().rss
    let rssPeak = rssBefore
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20)
    let bytes = 0
    const took = await timed(async () => {
      const reader = boardCsv(req, new URLSearchParams()).getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        bytes += value.byteLength
      }
    })
    clearInterval(sampler)
    line('rows, size', `${fmt(CONVERSATIONS)} rows, ${fmt(bytes / 2 ** 20, 1)} MB`)
    line('time to the last byte', `${fmt(took / 1000, 2)} s`)
    line('RSS before → peak', `${fmt(rssBefore / 2 ** 20)} MB → ${fmt(rssPeak / 2 ** 20)} MB`)
  } finally {
    await payload.destroy()
    fs.rmSync(file, { force: true })
  }
}
