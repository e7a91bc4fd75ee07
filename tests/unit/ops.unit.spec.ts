import { describe, expect, it } from 'vitest'

import { type Condition, evaluate } from '@/ops/alerts'
import { fingerprintOf, reasonPattern } from '@/ops/fingerprint'

const lag = (active: boolean, value = 300): Condition => ({
  rule: 'lag',
  subject: 'dashboard',
  active,
  summary: `lag ${value}`,
  value,
  forMs: 60_000,
})

describe('alert rules', () => {
  it('fire once the condition has held for its time, and resolve only after a clear spell', () => {
    let state = evaluate({}, [lag(true)], 0, 120_000)
    expect(state.fired).toEqual([])
    state = evaluate(state.alerts, [lag(true)], 60_000, 120_000)
    expect(state.fired.map((alert) => alert.id)).toEqual(['lag:dashboard'])
    // Wobbling around the threshold: clear, true, clear again: no resolve, no second fire
    state = evaluate(state.alerts, [lag(false)], 70_000, 120_000)
    state = evaluate(state.alerts, [lag(true)], 80_000, 120_000)
    expect(state.fired).toEqual([])
    state = evaluate(state.alerts, [lag(false)], 90_000, 120_000)
    state = evaluate(state.alerts, [lag(false)], 200_000, 120_000)
    expect(state.resolved).toEqual([])
    state = evaluate(state.alerts, [lag(false)], 210_000, 120_000)
    expect(state.resolved.map((alert) => alert.id)).toEqual(['lag:dashboard'])
    expect(state.alerts).toEqual({})
  })

  it('forget a condition that cleared before it fired', () => {
    const state = evaluate(evaluate({}, [lag(true)], 0, 1).alerts, [lag(false)], 30_000, 1)
    expect(state).toEqual({ alerts: {}, fired: [], resolved: [] })
  })
})

describe('failure fingerprints', () => {
  it('take ids and numbers out of the reason', () => {
    expect(reasonPattern('summary of conv-3907c9bb546d at seq 27 (entry 1796193604048-107)')).toBe(
      'summary of conv-<id> at seq <n> (entry <id>)',
    )
    expect(fingerprintOf('dashboard', 'user_input', 'seq "abc" is not a number at APP-000123').fingerprint).toBe(
      fingerprintOf('dashboard', 'user_input', 'seq "x1" is not a number at APP-999999').fingerprint,
    )
    expect(fingerprintOf('dashboard', 'user_input', 'bad').fingerprint).not.toBe(
      fingerprintOf('portal', 'user_input', 'bad').fingerprint,
    )
  })
})
