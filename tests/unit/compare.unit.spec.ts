/*
 * How verify tells a stored record from the fold's: values as a reader sees them, so what the
 * database gives back for the same record never counts as drift, and any real change does.
 */
import { describe, expect, it } from 'vitest'

import { differingFields, digestOf, normalise } from '@/rebuild/compare'

const state = {
  conversationId: 'conv-1',
  status: 'active',
  startedAt: '2025-03-03T09:00:00.000Z',
  facts: [{ fact: 'Works for Bunnings' }],
  projection: { stamps: { status: '1-0' } },
}
const columns = {
  conversationId: 'conv-1',
  status: 'active',
  startedAt: state.startedAt,
  facts: state.facts,
  note: null,
}

describe('differingFields', () => {
  it('finds nothing in a record read back as the database gives it', () => {
    // Given the row as read: the state's JSON parsed again, a date as a Date, array rows with
    // the ids the database gave them, a null column absent, and keys in another order
    const row = {
      facts: [{ id: '65f0c0ffee', fact: 'Works for Bunnings' }],
      projection: JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(state).reverse()))),
      startedAt: new Date(state.startedAt),
      status: 'active',
      conversationId: 'conv-1',
    }
    expect(differingFields({ state, columns }, row)).toEqual([])
  })

  it('names each column that differs, and the bookkeeping', () => {
    const row = {
      ...columns,
      status: 'hard_end',
      startedAt: '2025-03-03T09:00:01.000Z',
      facts: [],
      projection: { ...state, projection: { stamps: { status: '2-0' } } },
    }
    expect(differingFields({ state, columns }, row)).toEqual(['projection', 'status', 'startedAt', 'facts'])
  })

  it('tells a number from the same digits as text', () => {
    const row = { ...columns, projection: state, status: 'active' }
    expect(differingFields({ state, columns: { ...columns, count: 3 } }, { ...row, count: '3' })).toEqual(['count'])
  })
})

describe('digestOf', () => {
  it('is the same for a line whatever its key order, dates and empty values; different for other text', () => {
    const line = { utterance: 'Hello', timestamp: '2025-03-03T09:00:00Z', rationale: null, additionalData: {} }
    expect(digestOf({ timestamp: new Date('2025-03-03T09:00:00.000Z'), utterance: 'Hello' })).toBe(digestOf(line))
    expect(digestOf({ ...line, utterance: 'Hello!' })).not.toBe(digestOf(line))
  })

  it('reads nested values as a reader does: row ids and empty groups left out, a null in a list kept', () => {
    const row = { additionalData: { rows: [{ id: 7, answer: 'yes' }, null], empty: { none: [] } } }
    expect(digestOf(row)).toBe(digestOf({ additionalData: { rows: [{ answer: 'yes' }, null] } }))
    expect(digestOf(row)).toBe(digestOf(normalise(row) as Record<string, unknown>))
    expect(digestOf(row)).not.toBe(digestOf({ additionalData: { rows: [{ answer: 'yes' }] } }))
    expect(digestOf({ count: 1 })).not.toBe(digestOf({ count: '1' }))
  })
})
