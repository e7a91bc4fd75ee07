import { describe, expect, it } from 'vitest'

import { parse } from '@/events/parse'
import { MAX_UTTERANCE_BYTES, plainUtteranceData, utteranceData } from '@/events/schemas'
import type { JsonObject } from '@/events/types'

import { AID, CID, event, fields, UID } from './given'

const reasonOf = (entryFields: Record<string, string> | string[]) => {
  const result = parse('1700000000000-0', entryFields)
  return result.ok ? 'parsed' : result.reason
}

describe('parse: the envelope', () => {
  it('reads a map and ioredis’ flat array alike', () => {
    const map = fields('user_input', { u: 'Hi' }, { seq: '12' })
    const flat = Object.entries(map).flat()
    expect(parse('1-1', flat)).toEqual(parse('1-1', map))
  })

  it('maps agt, cid, aid, uid, seq and tsp onto the event, with seq as a number', () => {
    expect(event('1-1', 'conversation_started', undefined, { seq: '12' })).toEqual({
      entryId: '1-1',
      agent: 'broker',
      type: 'conversation_started',
      conversationId: CID,
      applicationNumber: AID,
      customerId: UID,
      seq: 12,
      timestamp: '2025-03-03T09:00:00.000Z',
      data: {},
    })
    expect(event('1-1', 'conversation_started', undefined, { seq: ' 007 ' }).seq).toBe(7)
    expect(event('1-1', 'conversation_started', undefined, { seq: '0' }).seq).toBe(0)
  })

  it('normalises timestamps to UTC; a timestamp without a zone is read as UTC', () => {
    const timestampOf = (tsp: string) => event('1-1', 'conversation_started', undefined, { tsp }).timestamp
    expect(timestampOf('2025-03-03T20:00:00+11:00')).toBe('2025-03-03T09:00:00.000Z')
    expect(timestampOf('2025-03-03T09:00:00.123456')).toBe('2025-03-03T09:00:00.123Z')
    expect(timestampOf('2025-03-03 09:00:00Z')).toBe('2025-03-03T09:00:00.000Z')
    expect(timestampOf('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z')
  })

  it('reads empty cid, aid and uid as absent', () => {
    const started = event('1-1', 'conversation_started', undefined, { aid: '', uid: '' })
    expect(started).not.toHaveProperty('applicationNumber')
    expect(started).not.toHaveProperty('customerId')
  })

  it('skips other agents’ entries, and unknown types, without calling them malformed', () => {
    expect(parse('1-1', fields('user_input', { u: 'Hi' }, { agt: 'underwriter' }))).toEqual({
      ok: false,
      kind: 'skipped',
      reason: 'foreign_agent',
      type: 'user_input',
    })
    expect(parse('1-1', fields('loyalty_points_awarded', { points: 5 }))).toEqual({
      ok: false,
      kind: 'skipped',
      reason: 'unknown_type',
      type: 'loyalty_points_awarded',
    })
  })
})

describe('parse: utterances', () => {
  const normalised = {
    utterance: 'I need a loan for $5000',
    rationale: 'Customer stated an amount',
    answerInputType: 'currency',
    additionalData: { amount: 5000 },
    endConversation: true,
    prevSeq: 4,
  }

  it('reads the long spelling', () => {
    const line = event('1-1', 'user_input', {
      utterance: 'I need a loan for $5000',
      rationale: 'Customer stated an amount',
      answer_input_type: 'currency',
      additional_data: { amount: 5000 },
      end_conversation: true,
      prev_seq: 4,
    })
    expect(line.data).toEqual(normalised)
  })

  it('reads the short spelling into the same shape', () => {
    const line = event('1-1', 'assistant_response', {
      u: 'I need a loan for $5000',
      r: 'Customer stated an amount',
      a: 'currency',
      d: { amount: 5000 },
      e: 'true',
      prev_seq: '4',
    })
    expect(line.data).toEqual(normalised)
  })

  it('defaults what is not said', () => {
    expect(event('1-1', 'user_input', { u: 'Hi', e: 'False' }).data).toEqual({
      utterance: 'Hi',
      rationale: null,
      answerInputType: null,
      additionalData: null,
      endConversation: false,
      prevSeq: null,
    })
  })

  it('keeps HTML and emoji verbatim: escaping is the renderer’s job', () => {
    const text = 'My name is <img src=x onerror=alert(1)> 🙂 and I’d like $500 😬'
    expect(event('1-1', 'user_input', { utterance: text }).data).toMatchObject({ utterance: text })
  })

  it('accepts an utterance of exactly 256 KB', () => {
    expect(MAX_UTTERANCE_BYTES).toBe(262_144)
    expect(reasonOf(fields('user_input', { u: 'x'.repeat(MAX_UTTERANCE_BYTES) }))).toBe('parsed')
  })

  it('reads the plain shape without the schema, as the schema reads it, and leaves every other shape to it', () => {
    const big = 'x'.repeat(MAX_UTTERANCE_BYTES + 1)
    const shapes: Array<[dat: JsonObject, plain: boolean]> = [
      [{ u: 'Hi' }, true],
      [{ utterance: 'Hi', u: 'Bye', r: null, a: 'text', d: [1, { x: null }], e: false, prev_seq: 0 }, true],
      [{ utterance: 'Hi', rationale: null, r: 'why', end_conversation: null, e: true, prev_seq: null }, true],
      [{ u: 'Hi', unknown: { deep: 1 } }, true],
      [{ u: 'Hi', e: 'true' }, false],
      [{ u: 'Hi', prev_seq: '4' }, false],
      [{ u: 'Hi', prev_seq: -1 }, false],
      [{ u: 'Hi', prev_seq: 1.5 }, false],
      [{ u: 'Hi', r: 12 }, false],
      [{ u: 12 }, false],
      [{ utterance: null, u: 'Hi' }, false],
      [{ u: big }, false],
      [{ r: 'no line' }, false],
      [{}, false],
    ]
    for (const [dat, plain] of shapes) {
      const read = plainUtteranceData(dat)
      expect(read !== undefined, JSON.stringify(dat).slice(0, 80)).toBe(plain)
      if (read) expect(read).toEqual(utteranceData.parse(dat))
    }
  })
})

describe('parse: application snapshots', () => {
  const snapshot = {
    applicationNumber: AID,
    loanAmount: '5000.00',
    loanTerm: '12',
    loanPurpose: 'Car repairs',
    statementCaptureConsentProvided: 'true',
    productOfferAcceptance: false,
    applicationOutcome: 'PENDING',
    somethingNew: { ignored: true },
    applicationProcess: {
      currentProcessStage: 'identity',
      currentProcessStep: 'address',
      applicationProcessState: [
        {
          stageName: 'identity',
          complete: false,
          prompt: 'Collect identity',
          steps: [
            { stepName: 'name', complete: 'true', type: 'LLM', description: 'Full name', extra: 1 },
            { stepName: 'address' },
          ],
        },
      ],
    },
    customer: {
      customer_id: UID,
      title: 'Ms',
      preferred_name: 'Jess',
      first_name: 'Jessica',
      middle_name: null,
      last_name: 'Nguyen',
      email_address: { value: 'jess.nguyen@example.com.au', verified: true },
      mobile_phone_number: '0412 345 678',
      date_of_birth: '1990-07-14',
      residential_address: { street: '12 George Street', city: 'Sydney', state: 'NSW', postcode: 2000 },
      staff_flag: 'false',
      ekyc_status: 'SUCCESSFUL',
      individual_status: 'living',
      favourite_colour: 'teal',
    },
    customerIdentityDocuments: [
      {
        document_type: 'drivers_licence',
        document_number: 12345678,
        state_of_issue: 'NSW',
        expiry_date: '2030-01-31T00:00:00Z',
      },
      {
        document_type: 'MEDICARE',
        document_subtype: 'GREEN',
        document_number: '2123456701',
        additional_info: { individual_reference_number: 1 },
      },
    ],
  }

  it('reads camelCase at the top and snake_case in the customer and documents, coercing strings', () => {
    const changed = event('1-1', 'applicationDetail_changed', snapshot)
    expect(changed.data).toEqual({
      loanAmount: 5000,
      loanTerm: 12,
      loanPurpose: 'Car repairs',
      statementCaptureConsentProvided: true,
      productOfferAcceptance: false,
      applicationOutcome: 'pending',
      applicationProcess: {
        currentProcessStage: 'identity',
        currentProcessStep: 'address',
        startedAt: null,
        updatedAt: null,
        applicationProcessState: [
          {
            stageName: 'identity',
            complete: false,
            prompt: 'Collect identity',
            steps: [
              {
                stepName: 'name',
                description: 'Full name',
                complete: true,
                type: 'llm',
                completionEventName: null,
                answerInputType: null,
              },
              {
                stepName: 'address',
                description: null,
                complete: false,
                type: null,
                completionEventName: null,
                answerInputType: null,
              },
            ],
          },
        ],
      },
      customer: {
        customerId: UID,
        title: 'Ms',
        preferredName: 'Jess',
        firstName: 'Jessica',
        middleName: null,
        lastName: 'Nguyen',
        emailAddress: 'jess.nguyen@example.com.au',
        mobilePhoneNumber: '0412 345 678',
        dateOfBirth: '1990-07-14',
        residentialAddress: {
          street: '12 George Street',
          city: 'Sydney',
          state: 'NSW',
          postcode: '2000',
          country: 'Australia',
        },
        staffFlag: false,
        ekycStatus: 'successful',
        individualStatus: 'LIVING',
      },
      identityDocuments: [
        {
          documentType: 'DRIVERS_LICENCE',
          documentSubtype: null,
          documentNumber: '12345678',
          expiryDate: '2030-01-31',
          stateOfIssue: 'NSW',
          countryOfIssue: 'Australia',
          additionalInfo: null,
        },
        {
          documentType: 'MEDICARE',
          documentSubtype: 'GREEN',
          documentNumber: '2123456701',
          expiryDate: null,
          stateOfIssue: null,
          countryOfIssue: 'Australia',
          additionalInfo: { individual_reference_number: 1 },
        },
      ],
    })
  })

  it('takes the application number and customer id from the snapshot when the envelope lacks them', () => {
    const changed = event('1-1', 'applicationDetail_changed', snapshot, { aid: undefined, uid: undefined })
    expect(changed).toMatchObject({ applicationNumber: AID, customerId: UID })
  })
})

describe('parse: the other events', () => {
  it.each([
    ['approved', 'approved'],
    ['APPROVED', 'approved'],
    ['Declined', 'declined'],
  ])('final_decision %s → %s', (decision, expected) => {
    expect(event('1-1', 'final_decision', { decision }).data).toEqual({ decision: expected })
  })

  it('keeps an assessment’s dat as sent', () => {
    const dat = { riskScore: 23, riskBand: 'LOW', checks: [{ name: 'pep', hit: false }], provider: null }
    for (const typ of ['identityRisk_assessment', 'serviceability_assessment_results', 'fraudCheck_results']) {
      expect(event('1-1', typ, dat)).toMatchObject({ type: typ, applicationNumber: AID, data: dat })
    }
  })

  it('reads a noticeboard post', () => {
    expect(event('1-1', 'noticeboard_updated', { agentName: 'FraudAgent', content: 'Score 12.5' }).data).toEqual({
      agentName: 'FraudAgent',
      content: 'Score 12.5',
    })
  })

  it('turns summary facts, strings or objects, into sentences', () => {
    const summary = event('1-1', 'conversation_summary', {
      conversation_purpose: 'Loan for car repairs',
      conversation_facts: ['Wants $3,000', { fact: 'Works at Bunnings' }, { category: 'income', amount: 4200 }],
    })
    expect(summary.data).toEqual({
      purpose: 'Loan for car repairs',
      facts: ['Wants $3,000', 'Works at Bunnings', 'category: income; amount: 4200'],
    })
  })

  it('lets application events come without a conversation id', () => {
    expect(event('1-1', 'fraudCheck_results', { fraudScore: 3 }, { cid: undefined })).not.toHaveProperty(
      'conversationId',
    )
  })
})

describe('parse: malformed entries, each with a reason naming the field', () => {
  const invalidJson = (text: string) => {
    try {
      JSON.parse(text)
    } catch (error) {
      return (error as Error).message
    }
    return 'valid'
  }

  it.each<[string, Record<string, string> | string[], string]>([
    ['no typ', fields('user_input', { u: 'Hi' }, { typ: undefined }), 'typ: missing'],
    ['no agt', fields('user_input', { u: 'Hi' }, { agt: undefined }), 'agt: missing'],
    [
      'dat not JSON',
      { ...fields('user_input'), dat: '{"utterance": "I earn $5,000' },
      `dat: invalid JSON (${invalidJson('{"utterance": "I earn $5,000')})`,
    ],
    ['dat not an object', fields('noticeboard_updated', ['a', 'b']), 'dat: expected an object, got an array'],
    ['dat missing', fields('user_input'), 'dat: missing'],
    [
      'seq not a number',
      fields('user_input', { u: 'Hi' }, { seq: 'abc' }),
      'seq: expected a non-negative integer, got "abc"',
    ],
    [
      'seq negative',
      fields('user_input', { u: 'Hi' }, { seq: '-1' }),
      'seq: expected a non-negative integer, got "-1"',
    ],
    [
      'seq a fraction',
      fields('user_input', { u: 'Hi' }, { seq: '1.5' }),
      'seq: expected a non-negative integer, got "1.5"',
    ],
    [
      'tsp not ISO',
      fields('user_input', { u: 'Hi' }, { tsp: 'yesterday' }),
      'tsp: expected an ISO 8601 timestamp, got "yesterday"',
    ],
    [
      'tsp impossible',
      fields('user_input', { u: 'Hi' }, { tsp: '2025-02-30T10:00:00Z' }),
      'tsp: expected an ISO 8601 timestamp, got "2025-02-30T10:00:00Z"',
    ],
    [
      'tsp impossible, as toISOString writes',
      fields('user_input', { u: 'Hi' }, { tsp: '2025-02-29T10:00:00.000Z' }),
      'tsp: expected an ISO 8601 timestamp, got "2025-02-29T10:00:00.000Z"',
    ],
    [
      'tsp leap second',
      fields('user_input', { u: 'Hi' }, { tsp: '2025-06-30T23:59:60.000Z' }),
      'tsp: expected an ISO 8601 timestamp, got "2025-06-30T23:59:60.000Z"',
    ],
    ['tsp missing', fields('user_input', { u: 'Hi' }, { tsp: undefined }), 'tsp: missing'],
    [
      'decision maybe',
      fields('final_decision', { decision: 'maybe' }),
      'dat.decision: expected APPROVED or DECLINED, got "maybe"',
    ],
    ['decision missing', fields('final_decision', { verdict: 'APPROVED' }), 'dat.decision: missing'],
    [
      'decision named like an inherited property',
      fields('final_decision', { decision: 'constructor' }),
      'dat.decision: expected APPROVED or DECLINED, got "constructor"',
    ],
    [
      'decision named like the prototype',
      fields('final_decision', { decision: '__proto__' }),
      'dat.decision: expected APPROVED or DECLINED, got "__proto__"',
    ],
    ['conversation event without cid', fields('user_input', { u: 'Hi' }, { cid: undefined }), 'cid: missing'],
    [
      'application event without aid',
      fields('noticeboard_updated', { agentName: 'A', content: 'x' }, { aid: undefined }),
      'aid: missing',
    ],
    ['utterance without text', fields('user_input', { rationale: 'none' }), 'dat.utterance: missing'],
    ['utterance not text', fields('user_input', { u: { text: 'Hi' } }), 'dat.u: expected text, got an object'],
    [
      'utterance of 1 MB',
      fields('user_input', { utterance: 'x'.repeat(1_048_576) }),
      'dat.utterance: too long (1048576 bytes > 262144)',
    ],
    [
      'utterance over 256 KB in bytes, not characters',
      fields('user_input', { u: '🙂'.repeat(70_000) }),
      'dat.u: too long (280000 bytes > 262144)',
    ],
    [
      'end_conversation not a boolean',
      fields('user_input', { u: 'Bye', end_conversation: 'yes' }),
      'dat.end_conversation: expected true or false, got "yes"',
    ],
    [
      'loanAmount not a number',
      fields('applicationDetail_changed', { loanAmount: '$5,000' }),
      'dat.loanAmount: expected a number, got "$5,000"',
    ],
    [
      'customer not an object',
      fields('applicationDetail_changed', { customer: 'Jane' }),
      'dat.customer: expected an object, got "Jane"',
    ],
    [
      'date of birth not a date',
      fields('applicationDetail_changed', { customer: { date_of_birth: '14/03/1985' } }),
      'dat.customer.date_of_birth: expected a date (YYYY-MM-DD), got "14/03/1985"',
    ],
    [
      'unknown eKYC status',
      fields('applicationDetail_changed', { customer: { ekyc_status: 'SUCCESS' } }),
      'dat.customer.ekyc_status: expected successful, failed or pending, got "SUCCESS"',
    ],
    [
      'document without number',
      fields('applicationDetail_changed', { customerIdentityDocuments: [{ document_type: 'PASSPORT' }] }),
      'dat.customerIdentityDocuments[0].document_number: missing',
    ],
    [
      'unknown document type',
      fields('applicationDetail_changed', {
        customerIdentityDocuments: [{ document_type: 'birth certificate', document_number: '1' }],
      }),
      'dat.customerIdentityDocuments[0].document_type: ' +
        'expected DRIVERS_LICENCE, PASSPORT or MEDICARE, got "birth certificate"',
    ],
    [
      'stage without a name',
      fields('applicationDetail_changed', { applicationProcess: { applicationProcessState: [{ complete: true }] } }),
      'dat.applicationProcess.applicationProcessState[0].stageName: missing',
    ],
    [
      'two application numbers',
      fields('applicationDetail_changed', { applicationNumber: 'APP-000999' }),
      `dat.applicationNumber: "APP-000999" differs from aid "${AID}"`,
    ],
    [
      'two customer ids',
      fields('applicationDetail_changed', { customer: { customer_id: 'CUS-9' } }),
      `dat.customer.customer_id: "CUS-9" differs from uid "${UID}"`,
    ],
    [
      'a customer nobody names',
      fields('applicationDetail_changed', { customer: { first_name: 'Ann' } }, { uid: undefined }),
      'dat.customer.customer_id: missing, and no uid',
    ],
    ['noticeboard without agent', fields('noticeboard_updated', { content: 'x' }), 'dat.agentName: missing'],
    [
      'facts not a list',
      fields('conversation_summary', { conversation_facts: 'many' }),
      'dat.conversation_facts: expected an array, got "many"',
    ],
    ['odd flat array', ['agt', 'broker', 'typ'], 'fields: odd number of values (3); expected field/value pairs'],
  ])('%s', (_case, entryFields, reason) => {
    expect(parse('1700000000000-0', entryFields)).toEqual({ ok: false, kind: 'malformed', reason })
  })

  it('an id that is not a stream entry id', () => {
    expect(parse('latest', fields('user_input', { u: 'Hi' }))).toEqual({
      ok: false,
      kind: 'malformed',
      reason: 'entryId: expected <ms>-<seq>, got "latest"',
    })
  })
})
