import crypto from 'node:crypto'

import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { PROJECTIONS } from '@/projections'
import { workerSettings, type WorkerSettings } from '@/worker/settings'
import { StreamConsumer } from '@/worker/streamConsumer'

let redis: Redis

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL!)
})

afterAll(() => redis.disconnect())

const settingsFor = (stream: string, consumer: string, extra: Partial<WorkerSettings> = {}) =>
  workerSettings(PROJECTIONS.dashboard, { stream, group: 'g', consumer, blockMs: 50, ...extra })

const freshStream = () => `test:${crypto.randomUUID()}`

describe('StreamConsumer', () => {
  it('creates the group and the stream when missing, and keeps an existing group as it is', async () => {
    const stream = freshStream()
    const consumer = new StreamConsumer(redis, settingsFor(stream, 'a'))
    await consumer.ensureGroup()
    await redis.xadd(stream, '*', 'typ', 'x')
    await consumer.read()
    await consumer.ensureGroup()

    const [group] = (await redis.xinfo('GROUPS', stream)) as Array<Array<string | number>>
    const info = Object.fromEntries(
      Array.from({ length: group!.length / 2 }, (_, i) => [group![2 * i], group![2 * i + 1]]),
    )
    expect(info).toMatchObject({ name: 'g', pending: 1 })
  })

  it('reads its own pending entries before new ones, so nothing held at a stop is skipped', async () => {
    const stream = freshStream()
    const first = new StreamConsumer(redis, settingsFor(stream, 'same'))
    await first.ensureGroup()
    const ids = [(await redis.xadd(stream, '*', 'n', '1'))!, (await redis.xadd(stream, '*', 'n', '2'))!]
    expect((await first.read()).map((entry) => entry.id)).toEqual(ids)
    const later = await redis.xadd(stream, '*', 'n', '3')

    // The same consumer name restarts with both entries unacknowledged
    const restarted = new StreamConsumer(redis, settingsFor(stream, 'same'))
    expect((await restarted.read()).map((entry) => entry.id)).toEqual(ids)
    await restarted.ack(ids)
    expect((await restarted.read()).map((entry) => entry.id)).toEqual([later])
  })

  it("takes over a dead consumer's entries once they are idle past the threshold", async () => {
    const stream = freshStream()
    const dead = new StreamConsumer(redis, settingsFor(stream, 'dead'))
    await dead.ensureGroup()
    const id = await redis.xadd(stream, '*', 'typ', 'user_input')
    await dead.read()

    const live = new StreamConsumer(redis, settingsFor(stream, 'live', { claimIdleMs: 100 }))
    expect(await live.claimAbandoned()).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 150))
    const claimed = await live.claimAbandoned()
    expect(claimed).toEqual([{ id, fields: ['typ', 'user_input'] }])
    expect((await live.deliveries([id!])).get(id!)).toBe(2)
  })

  it('dead-letters an entry with its id, fields, reason, attempts and consumer, and acknowledges it', async () => {
    const stream = freshStream()
    const consumer = new StreamConsumer(redis, settingsFor(stream, 'c'))
    await consumer.ensureGroup()
    const id = await redis.xadd(stream, '*', 'typ', 'user_input', 'dat', '{not json')
    const [entry] = await consumer.read()

    await consumer.deadLetter([{ entry: entry!, reason: 'dat: invalid JSON', attempts: 1 }])

    const [[, fields]] = (await redis.xrange(`${stream}:g:dlq`, '-', '+')) as Array<[string, string[]]>
    const letter = Object.fromEntries(
      Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]),
    )
    expect(letter).toMatchObject({ entryId: id, reason: 'dat: invalid JSON', attempts: '1', consumer: 'c' })
    expect(JSON.parse(letter.fields!)).toEqual(['typ', 'user_input', 'dat', '{not json'])
    expect(await redis.xpending(stream, 'g')).toEqual([0, null, null, null])
  })

  it('hands back an entry deleted while pending with no fields, from its pending list and from a claim', async () => {
    const stream = freshStream()
    const own = new StreamConsumer(redis, settingsFor(stream, 'own', { batchSize: 1 }))
    await own.ensureGroup()
    const [mine, theirs] = [await redis.xadd(stream, '*', 'n', '1'), await redis.xadd(stream, '*', 'n', '2')]
    await own.read()
    await redis.xreadgroup('GROUP', 'g', 'dead', 'COUNT', 1, 'STREAMS', stream, '>')
    await redis.xdel(stream, mine!, theirs!)

    const restarted = new StreamConsumer(redis, settingsFor(stream, 'own'))
    expect(await restarted.read()).toEqual([{ id: mine, fields: null }])
    const live = new StreamConsumer(redis, settingsFor(stream, 'live', { claimIdleMs: 0 }))
    expect(await live.claimAbandoned()).toContainEqual({ id: theirs, fields: null })
  })
})
