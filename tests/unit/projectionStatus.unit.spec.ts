/**
 * How a projection stands, as health, metrics, the operations and projections views and the CLI
 * all say it: whether its records need a rebuild.
 */
import { describe, expect, it } from 'vitest'

import { rebuildNeeded } from '@/rebuild/control'

describe('rebuild needed', () => {
  it.each([
    ['records built by the deployed version', { stored: 4, delivered: '1700-0' }, false],
    ['records built by another version', { stored: 3, delivered: '1700-0' }, true],
    ['no version, no consumer group yet: nothing stored', { stored: null, delivered: null }, false],
    ['no version, a group that has delivered nothing: nothing stored', { stored: null, delivered: '0-0' }, false],
    [
      'no version, a group that has delivered entries: records of unknown code',
      { stored: null, delivered: '1700-0' },
      true,
    ],
  ] as const)('%s', (_, facts, expected) => {
    expect(rebuildNeeded({ version: 4, ...facts })).toBe(expected)
  })
})
