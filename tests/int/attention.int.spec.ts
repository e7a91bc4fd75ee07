import crypto from 'node:crypto'

import { Redis } from 'ioredis'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  ATTENTION_RULES,
  type AttentionSubject,
  type AttentionThresholds,
  attentionWhere,
  DEFAULT_THRESHOLDS,
  needsAttention,
} from '@/attention/rules'
import { DEFAULT_START, generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { STORES } from '@/store'
import { workerSettings } from '@/worker/settings'
import { Worker } from '@/worker/worker'

import { appendAll } from '../helpers/stream'

/**
 * The board's "needs attention" filter is a database query; the card's reasons are the same
 * rules run in the browser. Over a generated corpus projected by the real worker, at several
 * clocks and thresholds, both pick exactly the same conversations, rule by rule.
 */
let payload: Payload
let redis: Redis
let reader: Redis
type Doc = AttentionSubject & { id: number | string; conversationId: string }
let docs: Doc[]

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
  redis = new Redis(process.env.REDIS_URL!)
  reader = new Redis(process.env.REDIS_URL!)
  // Given a corpus cut mid-way (so many chats are still open), drained by one worker
  const stream = `test:${crypto.randomUUID()}`
  await appendAll(redis, stream, generateCorpus({ events: 4_000, seed: 7, retries: 20 }))
  const settings = workerSettings(STORES.dashboard.projection, { stream, consumer: `test-${crypto.randomUUID()}` })
  await new Worker({ payload, store: STORES.dashboard, reader, redis, settings, stopWhenIdleMs: 500 }).start()
  docs = (await payload.find({ collection: 'conversations', depth: 0, pagination: false, limit: 0 }))
    .docs as unknown as Doc[]
}, 120_000)

afterAll(async () => {
  redis.disconnect()
  reader.disconnect()
  await payload.destroy()
})

const idsWhere = async (where: Parameters<Payload['find']>[0]['where']) =>
  (await payload.find({ collection: 'conversations', where, depth: 0, pagination: false, limit: 0, select: {} })).docs
    .map((doc) => String(doc.id))
    .sort()
const idsMatching = (match: (doc: Doc) => boolean) =>
  docs
    .filter(match)
    .map((doc) => String(doc.id))
    .sort()

const start = Date.parse(DEFAULT_START)
const hours = (n: number) => start + n * 3_600_000
const TIGHT: AttentionThresholds = {
  idleSeconds: 60,
  identityRiskScore: 50,
  fraudResults: ['REVIEW'],
  notServiceable: true,
  stepSeconds: 120,
  // the generator's assistant never repeats itself: 1 flags any question asked
  questionRepeats: 1,
  softEndSeconds: 30,
}

describe('the attention query', () => {
  it('picks exactly the conversations the rules pick, rule by rule, at every clock and threshold', async () => {
    expect(docs.length).toBeGreaterThan(100)
    let flagged = 0
    for (const thresholds of [DEFAULT_THRESHOLDS, TIGHT]) {
      for (const now of [hours(0.5), hours(2), hours(6), hours(48)]) {
        for (const rule of ATTENTION_RULES) {
          const context = `${rule.id} at ${new Date(now).toISOString()} (${thresholds === TIGHT ? 'tight' : 'default'})`
          expect(await idsWhere(rule.where(now, thresholds)), context).toEqual(
            idsMatching((doc) => rule.matches(doc, now, thresholds)),
          )
        }
        const all = idsMatching((doc) => needsAttention(doc, now, thresholds))
        expect(await idsWhere(attentionWhere(now, thresholds))).toEqual(all)
        flagged += all.length
      }
    }
    // Not vacuous: the corpus has conversations that need attention and ones that do not.
    expect(flagged).toBeGreaterThan(0)
    expect(idsMatching((doc) => needsAttention(doc, hours(0.5), DEFAULT_THRESHOLDS)).length).toBeLessThan(docs.length)
  })

  it('every rule matches something in the corpus at some clock (so each comparison above means something)', () => {
    const clocks = [hours(0.5), hours(2), hours(6), hours(48)]
    const unmatched = ATTENTION_RULES.filter(
      (rule) => !clocks.some((now) => docs.some((doc) => rule.matches(doc, now, TIGHT))),
    ).map((rule) => rule.id)
    expect(unmatched).toEqual([])
  })
})
