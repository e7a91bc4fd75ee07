import { describe, expect, it } from 'vitest'

import { schemaModeOf } from '@/store/internals/schemaMode'

describe('the schema mode of a SQLite file', () => {
  it('follows what the file records, whatever NODE_ENV says', () => {
    const migrated = { applied: ['20261122_205204_initial'], pushed: false }
    const pushed = { applied: [], pushed: true }
    for (const production of [true, false]) {
      expect(schemaModeOf(migrated, production)).toBe('migrations')
      expect(schemaModeOf(pushed, production)).toBe('push')
      // a file pushed after it was migrated holds the pushed schema
      expect(schemaModeOf({ applied: migrated.applied, pushed: true }, production)).toBe('push')
    }
  })

  it('lets NODE_ENV decide for a new file only: production migrates, anything else pushes', () => {
    const fresh = { applied: [], pushed: false }
    expect(schemaModeOf(fresh, true)).toBe('migrations')
    expect(schemaModeOf(fresh, false)).toBe('push')
  })
})
