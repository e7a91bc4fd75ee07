import fs from 'node:fs'
import path from 'node:path'

import type { Payload } from 'payload'
import { describe, expect, it } from 'vitest'

import { databaseAdapter } from '@/database'

describe('the database adapter', () => {
  it('MongoDB reads migrations from a directory of its own, never the SQLite ones', () => {
    const mongo = databaseAdapter('mongodb://127.0.0.1:27017/billie').init({ payload: {} as Payload })

    expect(mongo.migrationDir).toBe(path.resolve('src/migrations-mongodb'))
    // it is committed, so `payload migrate` finds it (and no migration in it) on a fresh checkout
    expect(fs.existsSync(mongo.migrationDir)).toBe(true)
  })
})
