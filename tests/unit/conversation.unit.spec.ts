import { describe, expect, it } from 'vitest'

import { evolveConversation } from '@/projections'
import { MARKED_SEQS } from '@/projections/appliedEvents'

import { AID, assistantSays, at, CID, customerSays, event, fold, started, UID } from './given'

const decided = (id: string, decision: string) => event(id, 'final_decision', { decision })

const conversationOf = (...events: Parameters<typeof fold>[1]) => fold(evolveConversation, events)

describe('conversations', () => {
  it('conversation_started creates an active conversation', () => {
    expect(conversationOf(started('1-0'))).toMatchObject({
      conversationId: CID,
      applicationNumber: AID,
      customerId: UID,
      status: 'active',
      startedAt: at(0),
      lastUtteranceAt: null,
      lastActivityAt: at(0),
      messageCount: 0,
      purpose: null,
      facts: [],
      finalDecision: null,
      decidedAt: null,
    })
  })

  it('final_decision records when it was decided; the last decision by entry id stands', () => {
    const decidedAt = (id: string, decision: string, minutes: number) =>
      event(id, 'final_decision', { decision }, { seq: String(minutes), tsp: at(minutes) })
    const conversation = conversationOf(started('1-0'), customerSays('1-1', 2, 'Hi'), decidedAt('1-2', 'APPROVED', 30))
    expect(conversation).toMatchObject({ status: 'approved', finalDecision: 'approved', decidedAt: at(30) })
    // a later decision (by entry id) replaces it, whichever arrives first
    const events = [started('1-0'), decidedAt('1-3', 'DECLINED', 40), decidedAt('1-2', 'APPROVED', 30)]
    expect(conversationOf(...events)).toMatchObject({ finalDecision: 'declined', decidedAt: at(40) })
    expect(conversationOf(...[...events].reverse())).toMatchObject({ finalDecision: 'declined', decidedAt: at(40) })
  })

  it('keeps the time from start to decision, whichever event comes first', () => {
    const decidedAt = (id: string, minutes: number) =>
      event(id, 'final_decision', { decision: 'APPROVED' }, { seq: '9', tsp: at(minutes) })
    expect(conversationOf(started('1-0', 5))?.msToDecision).toBeNull()
    expect(conversationOf(started('1-0', 5), decidedAt('1-2', 35))?.msToDecision).toBe(30 * 60_000)
    // a decision seen first counts from the provisional start, then from conversation_started
    const early = conversationOf(customerSays('1-1', 2, 'Hi', 20), decidedAt('1-2', 35))
    expect(early?.msToDecision).toBe(15 * 60_000)
    expect(fold(evolveConversation, [started('1-0', 5)], early)?.msToDecision).toBe(30 * 60_000)
  })

  it('counts utterances and keeps the latest utterance time', () => {
    const conversation = conversationOf(
      started('1-0'),
      assistantSays('1-1', 2, "G'day, what's your name?"),
      customerSays('1-2', 3, 'Jess'),
      assistantSays('1-3', 4, 'Thanks Jess'),
    )
    expect(conversation).toMatchObject({ messageCount: 3, lastUtteranceAt: at(4) })
  })

  it('orders by the last message, or by the start while there is no message yet', () => {
    const justStarted = conversationOf(started('1-0', 10))
    expect(justStarted?.lastActivityAt).toBe(at(10))
    expect(fold(evolveConversation, [customerSays('1-1', 2, 'Hi', 12)], justStarted)?.lastActivityAt).toBe(at(12))
    // a line from before the start (clock skew) still counts as the latest message
    expect(fold(evolveConversation, [customerSays('1-1', 2, 'Hi', 9)], justStarted)?.lastActivityAt).toBe(at(9))
  })

  it('an utterance that ends the conversation makes it soft_end; a later decision then decides it', () => {
    const ended = conversationOf(started('1-0'), customerSays('1-1', 2, 'Bye', 2, { e: true }))
    expect(ended?.status).toBe('soft_end')
    expect(fold(evolveConversation, [decided('1-2', 'APPROVED')], ended)).toMatchObject({
      status: 'approved',
      finalDecision: 'approved',
    })
  })

  it('status is last-writer-wins by entry id, whatever order the events arrive in', () => {
    const events = [
      started('1-0'),
      decided('1-5', 'declined'),
      assistantSays('1-9', 3, 'Bye', 3, { end_conversation: 'true' }),
    ]
    expect(conversationOf(...events)?.status).toBe('soft_end')
    expect(conversationOf(...[...events].reverse())?.status).toBe('soft_end')
    expect(conversationOf(started('2-0'), decided('2-1', 'Declined'), started('1-0'))).toMatchObject({
      status: 'declined',
      finalDecision: 'declined',
    })
  })

  it('an utterance before conversation_started creates the conversation; started later sets startedAt', () => {
    const early = conversationOf(customerSays('1-5', 3, 'Hello?', 7), assistantSays('1-6', 4, 'Hi!', 8))
    expect(early).toMatchObject({ status: 'active', startedAt: at(7), messageCount: 2, lastUtteranceAt: at(8) })
    expect(fold(evolveConversation, [started('1-0', 5)], early)).toMatchObject({
      status: 'active',
      startedAt: at(5),
      messageCount: 2,
    })
  })

  it('an event applied twice changes nothing the second time', () => {
    const line = customerSays('1-1', 2, 'Jess')
    const once = conversationOf(started('1-0'), line)
    expect(evolveConversation(once, line)).toBe(once)
    expect(evolveConversation(once, started('1-0'))).toBe(once)
  })

  it('a producer’s retried utterance (same cid, typ and seq; another entry id) counts once', () => {
    const conversation = conversationOf(started('1-0'), customerSays('1-1', 2, 'Jess'), customerSays('1-2', 2, 'Jess'))
    expect(conversation?.messageCount).toBe(1)
  })

  it('the same seq from each speaker is two lines', () => {
    expect(conversationOf(customerSays('1-1', 2, 'Hi'), assistantSays('1-2', 2, 'Hello'))?.messageCount).toBe(2)
  })

  it('lines without a seq are told apart by entry id', () => {
    const unnumbered = (id: string) => event(id, 'user_input', { u: 'Hi' })
    const conversation = conversationOf(unnumbered('1-1'), unnumbered('1-2'), unnumbered('1-1'))
    expect(conversation?.messageCount).toBe(2)
    expect(conversation?.projection.applied?.others).toEqual(['@1-1', '@1-2'])
  })

  it('a seq beyond the marked window is still counted once', () => {
    const far = customerSays('1-1', MARKED_SEQS + 5, 'Hi')
    const conversation = conversationOf(far, far, customerSays('1-2', 3, 'Hi again'))
    expect(conversation?.messageCount).toBe(2)
    expect(conversation?.projection.applied?.others).toEqual([`${CID}:user_input:${MARKED_SEQS + 5}`])
  })

  it('a summary sets purpose and facts; an older summary arriving later does not overwrite it', () => {
    const summary = (id: string, purpose: string) =>
      event(id, 'conversation_summary', { conversation_purpose: purpose, conversation_facts: [`${purpose} fact`] })
    const conversation = conversationOf(
      started('1-0'),
      summary('1-9', 'Loan for a car'),
      summary('1-4', 'Draft purpose'),
    )
    expect(conversation).toMatchObject({ purpose: 'Loan for a car', facts: [{ fact: 'Loan for a car fact' }] })
  })

  it('links the first application and customer named', () => {
    const conversation = conversationOf(
      customerSays('1-3', 3, 'Hi', 3),
      event('1-1', 'user_input', { u: 'Earlier' }, { seq: '2', aid: 'APP-000001', uid: 'CUS-1' }),
    )
    expect(conversation).toMatchObject({ applicationNumber: 'APP-000001', customerId: 'CUS-1' })
  })

  it('is not changed by application events or another conversation’s events', () => {
    const conversation = conversationOf(started('1-0'))
    expect(evolveConversation(conversation, event('1-1', 'fraudCheck_results', { fraudScore: 4 }))).toBe(conversation)
    expect(evolveConversation(conversation, event('1-2', 'user_input', { u: 'Hi' }, { cid: 'conv-other' }))).toBe(
      conversation,
    )
    expect(
      evolveConversation(undefined, event('1-3', 'noticeboard_updated', { agentName: 'A', content: 'x' })),
    ).toBeUndefined()
  })

  it('says who is awaited: the other side of the last line by seq, whichever copy or order arrives', () => {
    const asked = conversationOf(started('1-0'), assistantSays('1-1', 2, 'How much?'))
    expect(asked?.waitingOn).toBe('customer')
    const answered = fold(evolveConversation, [customerSays('1-2', 3, '$500')], asked)
    expect(answered?.waitingOn).toBe('assistant')
    // a late line (an earlier seq) does not change who is awaited
    expect(fold(evolveConversation, [assistantSays('1-3', 1, 'Hello')], answered)?.waitingOn).toBe('assistant')
  })

  it('counts how often the assistant asks the same question, whatever its case or punctuation', () => {
    const conversation = conversationOf(
      started('1-0'),
      assistantSays('1-1', 2, 'What is your income?'),
      customerSays('1-2', 3, 'Why?'),
      assistantSays('1-3', 4, 'what is your INCOME??'),
      assistantSays('1-4', 5, 'Thanks.'),
      assistantSays('1-5', 6, 'What is your income ?'),
    )
    expect(conversation?.questionRepeats).toBe(3)
    // the customer's questions and the assistant's statements do not count
    expect(
      conversationOf(started('1-0'), customerSays('1-1', 2, 'Why?'), customerSays('1-2', 3, 'Why?'))?.questionRepeats,
    ).toBe(0)
  })
})
