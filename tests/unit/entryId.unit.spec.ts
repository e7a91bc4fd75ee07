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

  it('agree with comparing the two numbers exactly, for every pair of a varied set', () => {
    const ids = ['0-0', '0-1', '1-0', '9-99', '10-0', '10-9', '10-10', '99-0', '100-0', '0010-2', '10-002', '1-007']
    ids.push('1700000000000-0', '1700000000000-10', '1700000000001-0', '18446744073709551615-18446744073709551615')
    const exactly = (a: string, b: string) => {
      const [msA, seqA] = a.split('-').map(BigInt) as [bigint, bigint]
      const [msB, seqB] = b.split('-').map(BigInt) as [bigint, bigint]
      return Math.sign(Number(msA === msB ? seqA - seqB : msA - msB))
    }
    for (const a of ids)
      for (const b of ids) expect(Math.sign(compareEntryIds(a, b)), `${a} vs ${b}`).toBe(exactly(a, b))
  })

  it('maxEntryId picks the later id', () => {
    expect(maxEntryId('5-9', '5-10')).toBe('5-10')
    expect(maxEntryId('6-0', '5-10')).toBe('6-0')
  })

  it('refuse what is not an entry id', () => {
    expect(isEntryId('1700000000000-0')).toBe(true)
    expect(isEntryId('*')).toBe(false)
    expect(() => compareEntryIds('1-0', 'latest')).toThrow('not a stream entry id: "latest" (expected <ms>-<seq>)')
    expect(() => compareEntryIds('1-', '1-0')).toThrow('not a stream entry id: "1-"')
    expect(() => compareEntryIds('1-0', '1-0x')).toThrow('not a stream entry id: "1-0x"')
  })
})
