import { describe, expect, it } from 'vitest'

import {
  ATTENTION_RULES,
  type AttentionSubject,
  attentionReasons,
  DEFAULT_THRESHOLDS,
  needsAttention,
} from '@/attention/rules'
import { attentionThresholds } from '@/attention/settings'
import type { ChatEvent } from '@/events/types'
import { dashboard } from '@/projections/dashboard'
import { fold } from '@/projections/define'
import { attentionSignalsOf } from '@/projections/dashboard/signals'

import { AID, assistantSays, at, CID, customerSays, event, started } from './given'

/**
 * Each rule, given the events of one conversation and a clock: the conversation as the
 * projection stores it (its own fields and its application's signals), judged at `now`.
 */
const assessed = (id: string, typ: string, dat: object, minutes = 1) => event(id, typ, dat, { tsp: at(minutes) })
const onStep = (id: string, step: string, minutes: number) =>
  event(
    id,
    'applicationDetail_changed',
    {
      applicationProcess: {
        currentProcessStage: 'loan_details',
        currentProcessStep: step,
        applicationProcessState: [],
      },
    },
    { tsp: at(minutes) },
  )
const decided = (id: string, decision: string, minutes: number) =>
  event(id, 'final_decision', { decision }, { tsp: at(minutes) })

/** The conversation record the board reads after `events`. */
function conversationAfter(...events: ChatEvent[]): AttentionSubject {
  const folded = fold(dashboard, events)
  const conversation = folded.conversations.get(CID)!
  const application = folded.applications.get(AID)
  return { ...conversation, ...(application ? attentionSignalsOf(application) : {}) }
}

const clock = (minutes: number) => Date.parse(at(minutes))
const reasonsAt = (minutes: number, conversation: AttentionSubject, thresholds = DEFAULT_THRESHOLDS) =>
  attentionReasons(conversation, clock(minutes), thresholds)
const rulesAt = (minutes: number, conversation: AttentionSubject, thresholds = DEFAULT_THRESHOLDS) =>
  reasonsAt(minutes, conversation, thresholds).map((reason) => reason.rule)

describe('needs attention', () => {
  it('a conversation going well needs none', () => {
    const conversation = conversationAfter(
      started('1-0'),
      assistantSays('1-1', 2, 'Hi, how much would you like to borrow?', 0),
      customerSays('1-2', 3, '5000', 1),
      assessed('1-3', 'identityRisk_assessment', { riskScore: 20, riskBand: 'LOW' }),
      assessed('1-4', 'fraudCheck_results', { result: 'PASS' }),
      assessed('1-5', 'serviceability_assessment_results', { serviceable: true }),
    )
    expect(needsAttention(conversation, clock(2), DEFAULT_THRESHOLDS)).toBe(false)
  })

  describe('idle', () => {
    const customerWaiting = conversationAfter(
      started('1-0'),
      assistantSays('1-1', 2, 'How much would you like to borrow?', 0),
      customerSays('1-2', 3, 'About 5000', 1),
    )

    it('flags an active conversation with no message for longer than the threshold, saying who waits', () => {
      expect(rulesAt(5, customerWaiting)).toEqual([])
      expect(reasonsAt(7, customerWaiting)).toEqual([
        { rule: 'idle', label: 'Idle', text: 'Idle 6 min: the customer is waiting for Billie' },
      ])
    })

    it('says Billie is waiting when the assistant spoke last', () => {
      const billieWaiting = conversationAfter(started('1-0'), assistantSays('1-1', 2, 'What is your name?', 0))
      expect(reasonsAt(10, billieWaiting)[0]?.text).toBe('Idle 10 min: Billie is waiting for the customer')
    })

    it('leaves a decided conversation alone, and follows its threshold', () => {
      expect(rulesAt(60, conversationAfter(started('1-0'), decided('1-1', 'APPROVED', 1)))).toEqual([])
      expect(rulesAt(3, customerWaiting, { ...DEFAULT_THRESHOLDS, idleSeconds: 60 })).toEqual(['idle'])
      expect(rulesAt(60, customerWaiting, { ...DEFAULT_THRESHOLDS, idleSeconds: 0 })).toEqual([])
    })
  })

  it('high identity risk: a score at or above the threshold', () => {
    const risky = conversationAfter(
      started('1-0'),
      assessed('1-1', 'identityRisk_assessment', { riskScore: 82, riskBand: 'high' }),
    )
    const fine = conversationAfter(
      started('1-0'),
      assessed('1-1', 'identityRisk_assessment', { riskScore: 69, riskBand: 'MEDIUM' }),
    )
    expect(reasonsAt(1, risky)).toEqual([
      { rule: 'identityRisk', label: 'High identity risk', text: 'Identity risk 82 (HIGH)' },
    ])
    expect(rulesAt(1, fine)).toEqual([])
    expect(rulesAt(1, fine, { ...DEFAULT_THRESHOLDS, identityRiskScore: 60 })).toEqual(['identityRisk'])
  })

  it('fraud check: review or fail, as configured', () => {
    const review = conversationAfter(started('1-0'), assessed('1-1', 'fraudCheck_results', { result: 'review' }))
    const fail = conversationAfter(started('1-0'), assessed('1-1', 'fraudCheck_results', { result: 'FAIL' }))
    const pass = conversationAfter(started('1-0'), assessed('1-1', 'fraudCheck_results', { result: 'PASS' }))
    expect(reasonsAt(1, review)[0]?.text).toBe('Fraud check: review')
    expect(reasonsAt(1, fail)[0]?.text).toBe('Fraud check: failed')
    expect(rulesAt(1, pass)).toEqual([])
    expect(rulesAt(1, review, { ...DEFAULT_THRESHOLDS, fraudResults: ['FAIL'] })).toEqual([])
  })

  it('not serviceable, until the conversation is decided', () => {
    const events = [started('1-0'), assessed('1-1', 'serviceability_assessment_results', { serviceable: false })]
    expect(rulesAt(1, conversationAfter(...events))).toEqual(['notServiceable'])
    expect(rulesAt(1, conversationAfter(...events, decided('1-2', 'DECLINED', 1)))).toEqual([])
    expect(rulesAt(1, conversationAfter(...events), { ...DEFAULT_THRESHOLDS, notServiceable: false })).toEqual([])
  })

  it('the same process step for too long, counted from the first snapshot naming it', () => {
    const conversation = conversationAfter(
      started('1-0'),
      onStep('1-1', 'loan_amount', 2),
      onStep('1-2', 'loan_amount', 10),
      assistantSays('1-3', 2, 'How much?', 19),
    )
    expect(rulesAt(16, conversation)).toEqual([])
    expect(reasonsAt(20, conversation)).toEqual([
      { rule: 'stuckStep', label: 'Stuck on a step', text: 'On step loan_amount for 18 min' },
    ])
    const moved = conversationAfter(started('1-0'), onStep('1-1', 'loan_amount', 2), onStep('1-2', 'loan_term', 12))
    expect(rulesAt(20, moved)).not.toContain('stuckStep')
  })

  it('the assistant asking the same question again and again, whatever the punctuation', () => {
    const asks = [
      started('1-0'),
      assistantSays('1-1', 2, 'What is your date of birth?', 0),
      customerSays('1-2', 3, 'Why?', 0),
      assistantSays('1-3', 4, 'What is your date of birth?', 1),
      customerSays('1-4', 5, 'hmm', 1),
    ]
    expect(rulesAt(2, conversationAfter(...asks))).toEqual([])
    const third = conversationAfter(...asks, assistantSays('1-5', 6, 'what is your DATE of birth ??', 2))
    expect(reasonsAt(2, third)).toEqual([
      { rule: 'repeatedQuestion', label: 'Repeated question', text: 'Billie asked the same question 3 times' },
    ])
  })

  it('a soft end with no decision, once the grace period has passed', () => {
    const ended = [
      started('1-0'),
      assistantSays('1-1', 2, 'Thanks, we will be in touch.', 5, { end_conversation: true }),
    ]
    expect(rulesAt(10, conversationAfter(...ended))).toEqual([])
    expect(reasonsAt(16, conversationAfter(...ended))).toEqual([
      { rule: 'softEnd', label: 'Soft end, no decision', text: 'Ended softly 11 min ago with no decision' },
    ])
    // a decision that came first, then the soft end: decided all the same
    const decidedFirst = conversationAfter(started('1-0'), decided('1-1', 'APPROVED', 4), ended[1]!)
    expect(rulesAt(16, decidedFirst)).toEqual([])
  })

  it('gives every reason that applies, in the rules’ order', () => {
    const conversation = conversationAfter(
      started('1-0'),
      customerSays('1-1', 2, 'hello?', 0),
      assessed('1-2', 'fraudCheck_results', { result: 'FAIL' }),
      assessed('1-3', 'identityRisk_assessment', { riskScore: 90 }),
    )
    expect(rulesAt(30, conversation)).toEqual(['idle', 'identityRisk', 'fraud'])
  })

  it('every rule names a documented setting', () => {
    expect(new Set(ATTENTION_RULES.map((rule) => rule.setting)).size).toBe(ATTENTION_RULES.length)
  })
})

describe('attention thresholds from the environment', () => {
  const names = ATTENTION_RULES.map((rule) => rule.setting)
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
  const restore = () => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  }

  it('defaults when unset; parses each setting; refuses what does not parse', () => {
    for (const name of names) delete process.env[name]
    try {
      expect(attentionThresholds()).toEqual(DEFAULT_THRESHOLDS)
      process.env.ATTENTION_IDLE_SECONDS = '90'
      process.env.ATTENTION_FRAUD_RESULTS = 'fail'
      process.env.ATTENTION_NOT_SERVICEABLE = 'false'
      expect(attentionThresholds()).toMatchObject({ idleSeconds: 90, fraudResults: ['FAIL'], notServiceable: false })
      process.env.ATTENTION_FRAUD_RESULTS = 'none'
      expect(attentionThresholds().fraudResults).toEqual([])
      process.env.ATTENTION_FRAUD_RESULTS = 'maybe'
      expect(() => attentionThresholds()).toThrow(/ATTENTION_FRAUD_RESULTS=maybe/)
      process.env.ATTENTION_FRAUD_RESULTS = ''
      process.env.ATTENTION_QUESTION_REPEATS = 'many'
      expect(() => attentionThresholds()).toThrow(/ATTENTION_QUESTION_REPEATS=many is not a non-negative integer/)
    } finally {
      restore()
    }
  })
})
