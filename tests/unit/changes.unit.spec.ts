import { describe, expect, it } from 'vitest'

import { changeMessage, readChangeMessage, readPresenceMessage, removal } from '@/projections/changes'

const line = {
  conversation: 9,
  conversationId: 'C-9',
  key: 'C-9:user_input:1',
  eventId: '1-0',
  username: 'customer' as const,
  utterance: 'Hello',
  timestamp: '2025-03-03T09:00:00.000Z',
}

describe('a change message, from the writer to the browser', () => {
  it('reads back as the writer built it, for every collection', () => {
    const messages = [
      changeMessage(
        'conversations',
        'update',
        9,
        { conversationId: 'C-9', status: 'active', customer: { id: 3 } },
        {
          entryIds: ['1-0', '1-1'],
          version: 4,
        },
      ),
      changeMessage('utterances', 'create', 100, line, { entryIds: ['1-0'] }),
      changeMessage('applications', 'update', 77, { applicationNumber: 'APP-77', loanAmount: 5_000 }),
      changeMessage('customers', 'update', 3, { customerId: 'CUS-3', fullName: 'Jo Bloggs' }),
      changeMessage('reviews', 'create', 5, { conversationId: 'C-9', status: 'open', reason: 'Check income' }),
      changeMessage('notes', 'create', 6, { conversationId: 'C-9', body: '<b>not markup</b>', author: { id: 2 } }),
      removal('conversations', { id: 9, conversationId: 'C-9' }),
    ]

    for (const message of messages) expect(readChangeMessage(JSON.stringify(message))).toEqual(message)
    expect(messages[0]).toMatchObject({ version: 4, entryIds: ['1-0', '1-1'], doc: { customer: 3 } })
    expect(messages[5]!.doc).toMatchObject({ author: 2, authorName: null })
  })

  it('keeps the last entry ids of a large fold, and how many there were', () => {
    const entryIds = Array.from({ length: 25 }, (_, i) => `1-${i}`)
    const message = changeMessage('customers', 'update', 3, { customerId: 'CUS-3' }, { entryIds })
    expect(message.entryIds).toEqual(entryIds.slice(-10))
    expect(message.entryCount).toBe(25)
  })

  it('is not read when it is not one: not JSON, another collection, or a card without its required fields', () => {
    const update = (collection: string, doc: object) => JSON.stringify({ collection, id: 1, operation: 'update', doc })
    expect(readChangeMessage('{not json')).toBeUndefined()
    expect(readChangeMessage(update('users', { id: 1 }))).toBeUndefined()
    expect(readChangeMessage(update('utterances', { id: 1, conversation: 9, username: 'customer' }))).toBeUndefined()
    expect(readChangeMessage(JSON.stringify({ collection: 'conversations', doc: { conversationId: 'C-1' } }))).toBe(
      undefined,
    )
    // A removal needs only the record's id.
    expect(
      readChangeMessage(JSON.stringify({ collection: 'utterances', id: 1, operation: 'delete', doc: {} })),
    ).toMatchObject({ collection: 'utterances', operation: 'delete', doc: { id: 1 } })
    // The frame's event names the collection when the message does not.
    expect(readChangeMessage(JSON.stringify({ id: 2, doc: { customerId: 'CUS-2' } }), 'customers')).toMatchObject({
      collection: 'customers',
      operation: 'update',
    })
  })

  it('reads who views a conversation, leaving out viewers not well formed', () => {
    const data = JSON.stringify({
      collection: 'presence',
      id: 'C-9',
      doc: {
        conversationId: 'C-9',
        viewers: [
          { id: '1', name: 'Ann', ttlMs: 900 },
          { id: 2, name: 'Bo' },
        ],
      },
    })
    expect(readPresenceMessage(data)?.doc).toEqual({
      conversationId: 'C-9',
      viewers: [{ id: '1', name: 'Ann', ttlMs: 900 }],
    })
    expect(readPresenceMessage('{"doc":{}}')).toBeUndefined()
  })
})
