/*
 * The reader thread of verify and rebuild, against a real redis-server: the pages it parses on a
 * core of its own are the pages the job would have read itself.
 */
import crypto from 'node:crypto'

import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { createRedis } from '@/lib/redis'
import { readEntries, readStream, type StreamPage } from '@/rebuild/streamReader'
import { lineFactsOf } from '@/rebuild/target'
import { readThreaded } from '@/rebuild/threadedReader'
import { kindsOf } from '@/store/kinds'
import { STORES } from '@/store/stores'

import { appendAll, type Appended } from '../helpers/stream'
import { sleep } from '../helpers/wait'

const stream = `test:reader:${crypto.randomUUID()}`
let redis: Redis
let appended: Appended[] = []

const collect = async (pages: AsyncIterable<StreamPage>) => {
  const all: StreamPage[] = []
  for await (const page of pages) all.push(page)
  return all
}

beforeAll(async () => {
  redis = createRedis(process.env.REDIS_URL!)
  // 12,000 entries (three pages of 5,000), malformed ones and other agents' among them
  appended = await appendAll(
    redis,
    stream,
    generateCorpus({ events: 12_000, seed: 17, malformed: 25, foreignAgents: 10, retries: 10 }),
  )
})

afterAll(async () => {
  await redis.del(stream, `${stream}:not-a-stream`, `${stream}:long`)
  redis.disconnect()
})

describe('the reader thread', () => {
  it('gives the pages the job would read itself, malformed named, while this thread’s client is closed', async () => {
    // Given the pages read in this thread
    const expected = await collect(readStream(redis, stream, { after: appended[99]!.id }))
    expect(expected.length).toBe(3)
    expect(expected.flatMap((page) => page.malformed).length).toBeGreaterThan(0)

    // When the thread reads the same range, given a client that is closed (it connects on its own)
    const closed = createRedis(process.env.REDIS_URL!, { lazyConnect: true })
    closed.disconnect()
    const threaded = await collect(readThreaded(closed, stream, { after: appended[99]!.id }))

    // Then every page is the same: its events, its malformed entries, its count and its last id
    expect(threaded).toEqual(expected)
  })

  it('makes the lines of the pages the job is not waiting for, as the job would make them', async () => {
    // Given five pages, and a job that folds slowly: it takes a page, then is busy for a while
    // (the thread reads two pages ahead of the one taken: the fourth is read while the job is busy).
    // A while is the time the first page took (the thread's start, a read and a parse) four times
    // over, and at least 3 s: on a busy machine the thread is slower, and the job waits longer.
    const long = `${stream}:long`
    await appendAll(redis, long, generateCorpus({ events: 25_000, seed: 18, retries: 10 }))
    const { lines } = kindsOf(STORES.dashboard)
    const expected = await collect(readStream(redis, long))
    expect(expected.length).toBe(5)
    const taken: StreamPage[] = []
    const started = performance.now()
    for await (const page of readThreaded(redis, long, {}, { lines: 'dashboard' })) {
      taken.push(page)
      if (taken.length === 1) await sleep(Math.max(3_000, 4 * (performance.now() - started)))
    }

    // Then the thread made the lines of a page meanwhile, the same as the job makes them itself
    const made = taken.filter((page) => page.lines !== undefined)
    expect(made.length).toBeGreaterThan(0)
    for (const page of made) expect(page.lines).toEqual(lineFactsOf(lines, page.events))
    expect(made[0]!.lines!.utterances!.length).toBeGreaterThan(0)
    // And the pages are otherwise those read here
    expect(taken.map(({ lines: _lines, ...page }) => page)).toEqual(expected)
  })

  it('reads listed entries in pages, in the order asked, leaving out one no longer in the stream', async () => {
    // Given two pages of entry ids, one of them deleted since
    const pages = [appended.slice(5_000, 5_300).map(({ id }) => id), appended.slice(40, 60).map(({ id }) => id)]
    await redis.xdel(stream, pages[1]![3]!)

    // When the thread reads them
    const threaded = await collect(readThreaded(redis, stream, { entries: pages }))

    // Then they are the pages read here, the deleted entry absent
    expect(threaded).toEqual(await collect(readEntries(redis, stream, pages)))
    expect(threaded.map((page) => page.read)).toEqual([300, 19])
    expect(threaded[1]!.events.map((event) => event.entryId)).not.toContain(pages[1]![3])
  })

  it('reads in this thread, with the same pages, when the thread cannot start', async () => {
    const reasons: string[] = []
    const cannot = { entry: './no-such-entry.ts', onFallback: (reason: string) => reasons.push(reason) }
    expect(await collect(readThreaded(redis, stream, {}, cannot))).toEqual(await collect(readStream(redis, stream)))
    // And says why, so the operator knows the job reads more slowly
    expect(reasons).toEqual([expect.stringContaining('no-such-entry')])

    // Listed entries given as they are asked for: none lost to the thread that did not start
    const ids = appended.map(({ id }) => id)
    const pages = function* () {
      for (let i = 0; i < 2_000; i += 250) yield ids.slice(i, i + 250)
    }
    const threaded = await collect(readThreaded(redis, stream, { entries: pages() }, cannot))
    expect(threaded).toEqual(await collect(readEntries(redis, stream, pages())))
    expect(threaded.length).toBe(8)
    expect(reasons).toHaveLength(2)
  })

  it('reads the rest in this thread when the thread dies on the way, nothing lost or read twice', async () => {
    // Given a thread that gives one page and dies; the pages taken when the job is told
    let taken: StreamPage[] = []
    const fellBack: { reason: string; after: number }[] = []
    const dying = {
      entry: new URL('../helpers/dyingReaderThread.ts', import.meta.url).href,
      onFallback: (reason: string) => fellBack.push({ reason, after: taken.length }),
    }
    const read = async (pages: AsyncIterable<StreamPage>) => {
      taken = []
      for await (const page of pages) taken.push(page)
      return taken
    }
    expect(await read(readThreaded(redis, stream, {}, dying))).toEqual(await collect(readStream(redis, stream)))
    expect(fellBack).toEqual([{ reason: 'the stream reader thread exited with code 1', after: 1 }])

    // Listed entries: the pages asked for and not given are read here, then the rest
    const ids = appended.map(({ id }) => id)
    const pages = function* () {
      for (let i = 0; i < 2_000; i += 250) yield ids.slice(i, i + 250)
    }
    const listed = await read(readThreaded(redis, stream, { entries: pages() }, dying))
    expect(listed).toEqual(await collect(readEntries(redis, stream, pages())))
    expect(fellBack[1]).toEqual({ reason: 'the stream reader thread exited with code 1', after: 1 })
  })

  it('fails the job with Redis’s own reason when the thread cannot read the stream', async () => {
    await redis.set(`${stream}:not-a-stream`, 'text')
    await expect(collect(readThreaded(redis, `${stream}:not-a-stream`, {}))).rejects.toThrow(
      `reading ${stream}:not-a-stream: WRONGTYPE`,
    )
  })
})
