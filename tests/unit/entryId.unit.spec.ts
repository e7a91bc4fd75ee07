import { describe, expect, it } from 'vitest'

import { compareEntryIds, isEntryId, maxEntryId } from '@/events/entryId'

describe('stream entry ids', () => {
  it('compare as two integers: 1-10 comes after 1-9', () => {
    expect(compareEntryIds('1-10', '1-9')).toBeGreaterThan(0)
    expect(compareEntryIds('1-9', '1-10')).toBeLessThan(0)
    expect('1-10' < '1-9').toBe(true) // what a string comparison would wrongly say
  })

  it('order by milliseconds first, then by sequence', () => {
    expect(compareEntryIds('1700000000001-0', '1700000000000-99')).toBeGreaterThan(0)
    expect(compareEntryIds('999-0', '1000-0')).toBeLessThan(0)
    expect(compareEntryIds('1700000000000-5', '1700000000000-5')).toBe(0)
  })

  it('compare exactly beyond 2^53 and ignore leading zeros', () => {
    expect(compareEntryIds('1-18446744073709551615', '1-18446744073709551614')).toBeGreaterThan(0)
    expect(compareEntryIds('1-007', '1-7')).toBe(0)
  })

  it('maxEntryId picks the later id', () => {
    expect(maxEntryId('5-9', '5-10')).toBe('5-10')
    expect(maxEntryId('6-0', '5-10')).toBe('6-0')
  })

  it('refuse what is not an entry id', () => {
    expect(isEntryId('1700000000000-0')).toBe(true)
    expect(isEntryId('*')).toBe(false)
    expect(() => compareEntryIds('1-0', 'latest')).toThrow('not a stream entry id: "latest" (expected <ms>-<seq>)')
  })
})
