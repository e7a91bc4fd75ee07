import { afterEach, describe, expect, it } from 'vitest'

import { bucketsOf, figuresOf, type Range } from '@/analytics/figures'
import { readBusinessTimeZone } from '@/analytics/settings'
import { startOfDate, wallClock } from '@/analytics/zone'

const SYDNEY = 'Australia/Sydney'
const iso = (ms: number) => new Date(ms).toISOString()
const starts = (range: Range) => bucketsOf(range).map(({ start }) => iso(start))
const localTimes = (range: Range) =>
  bucketsOf(range).map(({ start }) => {
    const { date, hour, minute } = wallClock(start, range.timeZone)
    return `${date} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`
  })

describe('days in Sydney', () => {
  it('start at local midnight, and the day daylight saving ends (first Sunday of April) lasts 25 hours', () => {
    // Sydney leaves daylight saving on Sunday 6 April 2025: 03:00 AEDT (+11) becomes 02:00 AEST (+10)
    const range: Range = { from: '2025-04-04T13:00:00Z', to: '2025-04-07T14:00:00Z', bucket: 'day', timeZone: SYDNEY }

    expect(starts(range)).toEqual(['2025-04-04T13:00:00.000Z', '2025-04-05T13:00:00.000Z', '2025-04-06T14:00:00.000Z'])
    expect(localTimes(range)).toEqual(['2025-04-05 00:00', '2025-04-06 00:00', '2025-04-07 00:00'])
    const [, sunday] = bucketsOf(range)
    expect((sunday!.end - sunday!.start) / 3_600_000).toBe(25)
  })

  it('the day daylight saving starts (first Sunday of October) lasts 23 hours', () => {
    // Sunday 5 October 2025: 02:00 AEST (+10) becomes 03:00 AEDT (+11)
    const range: Range = { from: '2025-10-04T14:00:00Z', to: '2025-10-06T13:00:00Z', bucket: 'day', timeZone: SYDNEY }

    expect(starts(range)).toEqual(['2025-10-04T14:00:00.000Z', '2025-10-05T13:00:00.000Z'])
    const [sunday] = bucketsOf(range)
    expect((sunday!.end - sunday!.start) / 3_600_000).toBe(23)
  })

  it('count what happened on each local day, not each UTC day', () => {
    // Given a conversation just after midnight on Sunday 6 April and one late that evening, in
    // Sydney: two UTC days apart, one Sydney day
    const rows = [
      { startedAt: '2025-04-05T13:30:00Z' }, // 00:30 AEDT, Sunday
      { startedAt: '2025-04-06T13:30:00Z' }, // 23:30 AEST, Sunday
      { startedAt: '2025-04-06T14:30:00Z' }, // 00:30 AEST, Monday
    ]
    const range: Range = { from: '2025-04-05T13:00:00Z', to: '2025-04-07T14:00:00Z', bucket: 'day', timeZone: SYDNEY }

    expect(figuresOf(rows, range).started).toEqual([
      { at: '2025-04-05T13:00:00.000Z', count: 2 },
      { at: '2025-04-06T14:00:00.000Z', count: 1 },
    ])
  })
})

describe('hours in Sydney', () => {
  it('repeat 02:00 when daylight saving ends and skip it when it starts', () => {
    const april: Range = { from: '2025-04-05T14:00:00Z', to: '2025-04-05T18:00:00Z', bucket: 'hour', timeZone: SYDNEY }
    expect(localTimes(april)).toEqual(['2025-04-06 01:00', '2025-04-06 02:00', '2025-04-06 02:00', '2025-04-06 03:00'])
    expect(bucketsOf(april).every(({ start, end }) => end - start === 3_600_000)).toBe(true)

    const october: Range = {
      from: '2025-10-04T14:00:00Z',
      to: '2025-10-04T18:00:00Z',
      bucket: 'hour',
      timeZone: SYDNEY,
    }
    expect(localTimes(october)).toEqual([
      '2025-10-05 00:00',
      '2025-10-05 01:00',
      '2025-10-05 03:00',
      '2025-10-05 04:00',
    ])
  })

  it('follow the clock in zones whose offset is not whole hours', () => {
    // Adelaide is UTC+9:30 in winter; Lord Howe Island moves its clock by half an hour
    const adelaide: Range = {
      from: '2025-06-01T00:00:00Z',
      to: '2025-06-01T02:00:00Z',
      bucket: 'hour',
      timeZone: 'Australia/Adelaide',
    }
    expect(starts(adelaide)).toEqual([
      '2025-05-31T23:30:00.000Z',
      '2025-06-01T00:30:00.000Z',
      '2025-06-01T01:30:00.000Z',
    ])

    // 6 April 2025, 02:00 LHDT (+11) becomes 01:30 LHST (+10:30): the 01:00 hour lasts 90 minutes
    const lordHowe: Range = {
      from: '2025-04-05T14:00:00Z',
      to: '2025-04-05T17:00:00Z',
      bucket: 'hour',
      timeZone: 'Australia/Lord_Howe',
    }
    expect(localTimes(lordHowe)).toEqual(['2025-04-06 01:00', '2025-04-06 02:00', '2025-04-06 03:00'])
    expect(bucketsOf(lordHowe).map(({ start, end }) => (end - start) / 60_000)).toEqual([90, 60, 60])
  })
})

describe('the business time zone', () => {
  afterEach(() => {
    delete process.env.BUSINESS_TIME_ZONE
  })

  it('is Sydney unless BUSINESS_TIME_ZONE names an IANA zone, spelt any case; anything else is refused', () => {
    expect(readBusinessTimeZone()).toBe(SYDNEY)
    process.env.BUSINESS_TIME_ZONE = 'europe/london'
    expect(readBusinessTimeZone()).toBe('Europe/London')
    process.env.BUSINESS_TIME_ZONE = 'Mars/Olympus'
    expect(() => readBusinessTimeZone()).toThrow(
      'BUSINESS_TIME_ZONE=Mars/Olympus is not an IANA time zone name (such as Australia/Sydney or Europe/London)',
    )
    process.env.BUSINESS_TIME_ZONE = '+10:00'
    expect(() => readBusinessTimeZone()).toThrow(/is not an IANA time zone name/)
  })

  it('turns a calendar date into its first instant, whatever the offset', () => {
    expect(iso(startOfDate('2025-04-06', SYDNEY))).toBe('2025-04-05T13:00:00.000Z')
    expect(iso(startOfDate('2025-04-07', SYDNEY))).toBe('2025-04-06T14:00:00.000Z')
    expect(iso(startOfDate('2025-04-06', 'Pacific/Kiritimati'))).toBe('2025-04-05T10:00:00.000Z')
    expect(iso(startOfDate('2025-04-06', 'Pacific/Pago_Pago'))).toBe('2025-04-06T11:00:00.000Z')
  })
})
