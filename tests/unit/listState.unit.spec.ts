import { describe, expect, it } from 'vitest'

import { initialListState, listReducer, type ListState } from '@/components/admin/live/listState'
import type { Card, CardPage } from '@/board/types'

/** The Live board's list as the supervisor sees it: what moves, what waits behind the pill. */
const card = (n: number, extra: Partial<Card> = {}): Card => ({
  id: n,
  conversationId: `C-${n}`,
  applicationNumber: `APP-${n}`,
  customerName: `Customer ${n}`,
  customer: null,
  application: null,
  status: 'active',
  startedAt: null,
  lastUtteranceAt: null,
  lastActivityAt: `2026-01-01T09:${String(n).padStart(2, '0')}:00.000Z`,
  messageCount: 1,
  finalDecision: null,
  version: 1,
  lastLine: null,
  markers: [],
  ...extra,
})
const page = (cards: Card[], totalDocs: number, more = true): CardPage => ({
  cards,
  totalDocs,
  next: more ? { lastActivityAt: cards.at(-1)!.lastActivityAt, conversationId: cards.at(-1)!.conversationId } : null,
})
const ids = (state: ListState) => state.cards.map((c) => c.id)

describe('the Live board list', () => {
  const start = initialListState(page([card(9), card(8), card(7)], 6))

  it('appends the next page without repeating a card, keeping the list total', () => {
    const next = listReducer(start, { type: 'append', result: page([card(7), card(6), card(5)], 3, false) })
    expect(ids(next)).toEqual([9, 8, 7, 6, 5])
    expect(next.totalDocs).toBe(6)
    expect(next.next).toBeNull()
  })

  it('a new conversation goes to the top while the reader is there, behind the pill once they scrolled', () => {
    const atTop = listReducer(start, { type: 'arrive', cards: [card(10)], atTop: true })
    expect(ids(atTop)).toEqual([10, 9, 8, 7])
    expect(atTop.totalDocs).toBe(7)

    const scrolled = listReducer(start, { type: 'arrive', cards: [card(10)], atTop: false })
    expect(ids(scrolled)).toEqual([9, 8, 7])
    expect(scrolled.pending.map((c) => c.id)).toEqual([10])
    // once something waits, later arrivals wait too (the list must not jump under the pill)
    const second = listReducer(scrolled, { type: 'arrive', cards: [card(11)], atTop: true })
    expect(second.pending.map((c) => c.id)).toEqual([11, 10])
    const shown = listReducer(second, { type: 'showPending' })
    expect(ids(shown)).toEqual([11, 10, 9, 8, 7])
    expect(shown.pending).toEqual([])
  })

  it('an arrival already listed (or waiting) is not added twice', () => {
    const scrolled = listReducer(start, { type: 'arrive', cards: [card(10)], atTop: false })
    expect(listReducer(scrolled, { type: 'arrive', cards: [card(10), card(8)], atTop: false })).toBe(scrolled)
  })

  it('changes patch cards in place: the order never moves under the reader', () => {
    const patched = listReducer(start, {
      type: 'patch',
      id: 7,
      doc: { status: 'approved', messageCount: 4, lastActivityAt: '2026-01-01T10:00:00.000Z' },
    })
    expect(ids(patched)).toEqual([9, 8, 7])
    expect(patched.cards[2]).toMatchObject({ status: 'approved', messageCount: 4 })
  })

  it('a change older than the card is dropped: two workers may publish out of commit order', () => {
    const v3 = listReducer(start, { type: 'patch', id: 7, doc: { status: 'approved', messageCount: 9 }, version: 3 })
    const late = listReducer(v3, { type: 'patch', id: 7, doc: { status: 'active', messageCount: 8 }, version: 2 })
    expect(late.cards[2]).toMatchObject({ status: 'approved', messageCount: 9, version: 3 })
    // and a re-read that left before the newer change arrived does not undo it either
    const reread = listReducer(late, {
      type: 'resync',
      result: page([card(7, { status: 'active', version: 2 })], 6),
      atTop: true,
    })
    expect(reread.cards[2]).toMatchObject({ status: 'approved', version: 3 })
  })

  it('a resync updates listed cards in place and brings unlisted ones in as arrivals', () => {
    const result = page([card(12), card(9, { status: 'declined', version: 2 })], 7)
    const next = listReducer(start, { type: 'resync', result, atTop: false })
    expect(ids(next)).toEqual([9, 8, 7])
    expect(next.cards[0]!.status).toBe('declined')
    expect(next.pending.map((c) => c.id)).toEqual([12])
  })

  it('updates gathered while paused apply in one step, as if each had come live', () => {
    const shown = initialListState(page([card(3), card(2), card(1)], 3))
    const gathered = [
      { type: 'patch', id: 2, doc: { status: 'soft_end', questionRepeats: 3 }, version: 2 },
      {
        type: 'line',
        conversation: 3,
        line: { seq: 4, username: 'customer', utterance: 'Still there?', timestamp: '2026-01-01T10:00:00.000Z' },
      },
      { type: 'remove', id: 1 },
      { type: 'patch', id: 2, doc: { status: 'active' }, version: 1 },
    ] as const
    const one = listReducer(shown, { type: 'batch', actions: [...gathered] })
    expect(one).toEqual(gathered.reduce(listReducer, shown))
    expect(ids(one)).toEqual([3, 2])
    expect(one.cards[1]).toMatchObject({ status: 'soft_end', questionRepeats: 3, version: 2 })
    expect(one.cards[0]!.lastLine?.utterance).toBe('Still there?')
    expect(one.totalDocs).toBe(2)
  })

  it("shows a card's newest line, by the chat's sequence when two lines share a millisecond", () => {
    const at = '2026-01-01T10:00:00.000Z'
    const asked = { seq: 2, username: 'customer', utterance: 'Second line', timestamp: at } as const
    const answered = { seq: 3, username: 'assistant', utterance: 'Third line', timestamp: at } as const
    const earlier = {
      seq: 1,
      username: 'assistant',
      utterance: 'First line',
      timestamp: '2026-01-01T09:59:59.000Z',
    } as const
    const line = (order: (typeof asked | typeof answered | typeof earlier)[]) =>
      listReducer(start, {
        type: 'batch',
        actions: order.map((one) => ({ type: 'line' as const, conversation: 9, line: one })),
      }).cards[0]!.lastLine?.utterance
    expect(line([asked, answered])).toBe('Third line')
    expect(line([answered, asked])).toBe('Third line')
    expect(line([answered, earlier])).toBe('Third line')
  })
})
