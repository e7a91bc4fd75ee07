/**
 * `pnpm test-events`: a producer of realistic chatLedger traffic, for demos and load.
 *
 *   pnpm test-events [--conversations 20] [--rate 20] [--seed N] [--malformed 0]
 *                    [--retries 0] [--follow] [--stream chatLedger]
 *
 * Conversations are interleaved as concurrent chats write them (customers, applications,
 * utterances in both spellings, assessments, noticeboard notes, summaries, decisions).
 * --rate is events per second (0: as fast as Redis takes them); --follow keeps starting new
 * conversations until stopped, so a dashboard stays live.
 */
import 'dotenv/config'

import { parseArgs } from 'node:util'

import { generateCorpus } from '../events/generate'
import { createRedis, describeRedisUrl, redisUrl } from '../lib/redis'

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '20' },
    rate: { type: 'string', default: '20' },
    seed: { type: 'string' },
    malformed: { type: 'string', default: '0' },
    retries: { type: 'string', default: '0' },
    follow: { type: 'boolean', default: false },
    stream: { type: 'string', default: process.env.CHAT_LEDGER_STREAM || 'chatLedger' },
  },
})

const number = (name: keyof typeof values, raw: string | undefined, min = 0): number => {
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min) {
    console.error(`--${name} ${raw}: expected a number ≥ ${min}`)
    process.exit(2)
  }
  return value
}

const conversations = number('conversations', values.conversations, 1)
const rate = number('rate', values.rate)
const malformed = number('malformed', values.malformed)
const retries = number('retries', values.retries)
let seed = values.seed === undefined ? Date.now() % 1_000_000 : number('seed', values.seed)

let stopping = false
process.on('SIGINT', () => (stopping = true))
process.on('SIGTERM', () => (stopping = true))

const redis = createRedis(redisUrl(), { maxRetriesPerRequest: 3 })
redis.on('error', (error) => console.error(`Redis ${describeRedisUrl(redisUrl())}: ${error.message}`))

async function produce(corpus: Array<Record<string, string>>): Promise<number> {
  const started = performance.now()
  let sent = 0
  for (const fields of corpus) {
    if (stopping) break
    if (rate > 0) {
      const wait = started + (sent * 1000) / rate - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    }
    await redis.xadd(values.stream, '*', ...Object.entries(fields).flat())
    sent++
  }
  return sent
}

async function main() {
  let total = 0
  do {
    const corpus = generateCorpus({ conversations, seed, malformed, retries, startAt: new Date().toISOString() })
    console.log(
      `test-events: ${corpus.length} entries (${conversations} conversations, seed ${seed}) → ` +
        `${values.stream} at ${describeRedisUrl(redisUrl())}${rate > 0 ? `, ${rate}/s` : ''}`,
    )
    total += await produce(corpus)
    seed++
  } while (values.follow && !stopping)
  console.log(`test-events: sent ${total} entries`)
  redis.disconnect()
}

main().catch((error) => {
  console.error(`test-events: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
})
