import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadCards, PAGE_SIZE } from '@/board/cards'
import type { Finder, FindResult } from '@/board/finder'
import type { ListFilters } from '@/board/types'
import config from '@/payload.config'

/**
 * The Live board's pages, read from the real database the way the view reads them: the order is
 * last activity (a conversation with no message yet sorts by its start), and the next page
 * follows a cursor, so conversations moving or arriving while a supervisor scrolls never make
 * one skipped or shown twice.
 */
let payload: Payload
let finder: Finder

const PREFIX = 'pagetest'
const filters: ListFilters = { search: PREFIX, status: null }
const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 9, n)).toISOString()

const seed = (n: number, data: { startedAt: string; lastUtteranceAt?: string }) =>
  payload.create({
    collection: 'conversations',
    data: { conversationId: `${PREFIX}-${String(n).padStart(2, '0')}`, status: 'active', messageCount: 1, ...data },
  })

beforeAll(async () => {
  payload = await getPayload({ config })
  finder = async <T>(collection: Parameters<Finder>[0], args: Parameters<Finder>[1]) =>
    (await payload.find({ collection, ...args, depth: 0 })) as unknown as FindResult<T>
  // 30 conversations, one per minute, four pairs sharing a minute (ties at and near the page boundary)
  for (let n = 0; n < 30; n++)
    await seed(n, { startedAt: minute(0), lastUtteranceAt: minute(n - (n % 8 === 1 ? 1 : 0)) })
})

afterAll(async () => {
  await payload.delete({ collection: 'conversations', where: { conversationId: { like: PREFIX } } })
  await payload.destroy()
})

describe('the Live board pages', () => {
  it('orders by last activity; a conversation that has only started sorts by its start', async () => {
    // Given one that started just now, without a message yet
    const fresh = await seed(99, { startedAt: minute(45) })
    expect(fresh.lastActivityAt).toBe(minute(45))

    // Then it is first, not last behind every conversation with messages
    const first = await loadCards(finder, filters)
    expect(first.cards[0]?.conversationId).toBe(`${PREFIX}-99`)
    const times = first.cards.map((card) => card.lastActivityAt!)
    expect(times).toEqual([...times].sort().reverse())
    await payload.delete({ collection: 'conversations', id: fresh.id })
  })

  it('a conversation moving to the top between pages is neither skipped nor repeated', async () => {
    // Given the first page is on screen
    const first = await loadCards(finder, filters)
    expect(first.cards).toHaveLength(PAGE_SIZE)
    expect(first.totalDocs).toBe(30)
    expect(first.next).not.toBeNull()
    const all = (
      await payload.find({
        collection: 'conversations',
        where: { conversationId: { like: PREFIX } },
        limit: 100,
        depth: 0,
      })
    ).docs

    // When a listed conversation and an unlisted one get new messages, and a new one starts
    const listed = first.cards[5]!
    const unlisted = all.find((doc) => !first.cards.some((card) => card.id === doc.id))!
    await payload.update({ collection: 'conversations', id: listed.id, data: { lastUtteranceAt: minute(50) } })
    await payload.update({ collection: 'conversations', id: unlisted.id, data: { lastUtteranceAt: minute(51) } })
    await seed(98, { startedAt: minute(52) })

    // Then the next page holds exactly the rest that did not move: none twice, none lost
    const second = await loadCards(finder, filters, { after: first.next })
    const seen = [...first.cards, ...second.cards].map((card) => card.conversationId)
    expect(new Set(seen).size).toBe(seen.length)
    const expected = all
      .map((doc) => doc.conversationId)
      .filter((id) => id !== unlisted.conversationId && !first.cards.some((card) => card.conversationId === id))
    expect(second.cards.map((card) => card.conversationId).sort()).toEqual(expected.sort())
    expect(second.next).toBeNull()
    // (the moved and the new conversation are above the cursor: the view learns of them from the feed)
    const top = await loadCards(finder, filters)
    expect(top.cards.slice(0, 3).map((card) => card.conversationId)).toEqual([
      `${PREFIX}-98`,
      unlisted.conversationId,
      listed.conversationId,
    ])
  })
})
