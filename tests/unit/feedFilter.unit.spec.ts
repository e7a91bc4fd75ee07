import { describe, expect, it } from 'vitest'

import { type FeedEntry, toFeedEntry } from '@/realtime/changeFeed'
import { feedFilter } from '@/realtime/feedFilter'
import { applicationCard, conversationCard, customerCard, envelope, type ChangeMessage } from '@/projections/changes'

let seq = 0
const entry = (message: ChangeMessage): FeedEntry =>
  toFeedEntry([`1-${seq++}`, ['collection', message.collection, 'message', JSON.stringify(message)]])!

const conversation = (id: number, conversationId: string, links: object = {}) =>
  entry(envelope('conversations', 'update', conversationCard(id, { conversationId, ...links })))
const application = (id: number, applicationNumber = `APP-${id}`) =>
  entry(envelope('applications', 'update', applicationCard(id, { applicationNumber })))
const customer = (id: number) => entry(envelope('customers', 'update', customerCard(id, { customerId: `CUS-${id}` })))

describe('the feed filter of one connection', () => {
  it('without a filter, passes everything', () => {
    const all = feedFilter({})
    expect([conversation(1, 'C-1'), application(2), customer(3)].every(all)).toBe(true)
  })

  it('follows a conversation, and its application and customer once a change names them', () => {
    const follow = feedFilter({ conversation: { keys: ['conversation:C-9'], links: [] } })
    expect(follow(application(77))).toBe(false)
    expect(follow(conversation(8, 'C-8', { application: 77 }))).toBe(false)
    expect(follow(application(77))).toBe(false)
    expect(follow(conversation(9, 'C-9', { application: 77, customer: 3 }))).toBe(true)
    expect(follow(application(77))).toBe(true)
    expect(follow(application(78))).toBe(false)
    expect(follow(customer(3))).toBe(true)
    expect(follow(customer(4))).toBe(false)
  })

  it('knows an application by its number too, from the links read at connect', () => {
    const follow = feedFilter({
      conversation: { keys: ['conversation:9', 'conversation:C-9'], links: ['applicationNumber:APP-X'] },
    })
    expect(follow(application(5, 'APP-X'))).toBe(true)
    expect(follow(application(6, 'APP-Y'))).toBe(false)
  })

  it('learns links from conversation changes even when the client asked for other collections only', () => {
    const follow = feedFilter({
      collections: new Set(['applications']),
      conversation: { keys: ['conversation:C-9'], links: [] },
    })
    expect(follow(conversation(9, 'C-9', { application: 77 }))).toBe(false)
    expect(follow(application(77))).toBe(true)
  })
})
