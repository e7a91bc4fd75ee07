/**
 * Cost of appending to one long conversation: the first 100 lines against the last 100 of 2,000,
 * each projected on its own (one event per batch, the worst case for a live chat).
 */
import crypto from 'node:crypto'
import path from 'node:path'

import { getPayload } from 'payload'

import { generateLongConversation } from '@/events/generate'
import { parse } from '@/events/parse'
import type { ChatEvent } from '@/events/types'
import { projectBatch, STORES } from '@/store'

export default async function runAppend(
  line: (label: string, value: string) => void,
  fmt: (n: number, d?: number) => string,
) {
  process.env.DATABASE_URI = `file:${path.resolve('.tmp/bench', `append-${crypto.randomUUID()}.db`)}`
  const { default: config } = await import('@/payload.config')
  const payload = await getPayload({ config })
  const fields = generateLongConversation({ utterances: 2_000, seed: 3 })
  const base = Date.now()
  const events = fields
    .map((entry, index) => parse(`${base}-${index}`, entry))
    .flatMap((result) => (result.ok ? [result.event] : []))
  const utterances = events.filter((event) => event.type === 'user_input' || event.type === 'assistant_response')
  const others = events.filter((event) => !utterances.includes(event))
  await projectBatch(payload, STORES.dashboard, others)

  // Warm up (JIT, statement caches) on another conversation so the first 100 are not charged for it.
  const warmUp = generateLongConversation({ utterances: 200, seed: 4 })
    .map((entry, index) => parse(`${base - 1}-${index}`, entry))
    .flatMap((result) => (result.ok ? [result.event] : []))
  for (const event of warmUp) await projectBatch(payload, STORES.dashboard, [event])

  const timings: number[] = []
  for (const event of utterances as ChatEvent[]) {
    const started = performance.now()
    await projectBatch(payload, STORES.dashboard, [event])
    timings.push(performance.now() - started)
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
  const first = mean(timings.slice(0, 100))
  const last = mean(timings.slice(-100))
  console.log(`One conversation of ${fmt(utterances.length)} utterances, each appended as its own batch`)
  line('first 100 appends: mean ms per append', fmt(first, 2))
  line('last 100 appends: mean ms per append', fmt(last, 2))
  line('last / first', `${fmt(last / first, 2)}×`)
  await payload.destroy()
}
