/**
 * A snapshot writes a dozen fields, each its own register, in one copy of the record
 * (`writeFields`): the record, its stamps and their key order must be exactly what writing the
 * fields one by one gives, or stored bookkeeping would differ from what a verify folds.
 */
import { describe, expect, it } from 'vitest'

import { isDeepEqual } from '@/projections/changed'
import { withKey, writeField, writeFields } from '@/projections/registers'

type State = {
  name: string | null
  email: string | null
  phone: string | null
  flag: boolean | null
  projection: { stamps: Partial<Record<'name' | 'email' | 'phone' | 'flag', string>>; applied?: unknown }
}

const blank = (stamps: State['projection']['stamps'] = {}): State => ({
  name: null,
  email: null,
  phone: null,
  flag: null,
  projection: { stamps, applied: { seqs: {} } },
})

const oneByOne = (state: State, at: string, values: Partial<Omit<State, 'projection'>>): State =>
  (Object.keys(values) as Array<keyof typeof values>).reduce(
    (next, field) => (values[field] === undefined ? next : writeField(next, field, at, values[field] as never)),
    state,
  )

describe('writing several fields at once', () => {
  const cases: Array<[string, State, string, Partial<Omit<State, 'projection'>>]> = [
    ['a record no field was written to', blank(), '5-0', { phone: '0400', name: 'Jess', flag: false }],
    ['registers held by later writes', blank({ name: '9-0', flag: '2-0' }), '5-0', { name: 'Jess', flag: true }],
    ['an older write beside a new register', blank({ email: '3-0' }), '4-0', { email: 'j@x.io', phone: '0400' }],
    ['null stated, undefined left alone', blank({ phone: '1-0' }), '2-0', { phone: null, name: undefined }],
  ]

  it.each(cases)('%s: the same record, stamps in the same order, as one field at a time', (_, state, at, values) => {
    const together = writeFields(state, at, values)
    const apart = oneByOne(state, at, values)
    expect(together).toEqual(apart)
    expect(JSON.stringify(together)).toBe(JSON.stringify(apart))
  })

  it('returns the record itself when no register takes the write (a redelivery costs no write)', () => {
    const state = blank({ name: '9-0', email: '9-0' })
    expect(writeFields(state, '5-0', { name: 'Jess', email: 'j@x.io', phone: undefined })).toBe(state)
  })
})

describe('keys an event names (a conversation id, an agent)', () => {
  it('are sorted in like any other, even one every object inherits', () => {
    expect(Object.keys(withKey({ d: 1 }, 'constructor', 2))).toEqual(['constructor', 'd'])
    expect(Object.keys(withKey({ d: 1 }, '__proto__', 2))).toEqual(['__proto__', 'd'])
  })

  it('make records equal only when both hold them', () => {
    expect(isDeepEqual(JSON.parse('{"__proto__":{}}'), { other: {} })).toBe(false)
    expect(isDeepEqual({ toString: 1 }, { valueOf: 1 })).toBe(false)
    expect(isDeepEqual(JSON.parse('{"__proto__":{"a":1}}'), JSON.parse('{"__proto__":{"a":1}}'))).toBe(true)
  })
})
