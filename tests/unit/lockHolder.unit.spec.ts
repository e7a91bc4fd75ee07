import { spawnSync } from 'node:child_process'
import os from 'node:os'

import { describe, expect, it } from 'vitest'

import { holderIsGone, PROCESS_SPACE } from '@/rebuild/control'

/** A job's lock names its holder; a holder known to be gone is taken over at once. */
describe('a rebuild lock holder', () => {
  const ended = spawnSync(process.execPath, ['-e', '0']).pid
  const holder = (space: string, pid: number) => `rebuild by admin@example.com (${space}:${pid}:run1)`

  it('is gone when it was a process of this host that no longer runs', () => {
    expect(holderIsGone(holder(PROCESS_SPACE, ended))).toBe(true)
    expect(holderIsGone(holder(PROCESS_SPACE, process.pid))).toBe(false)
  })

  it('is never judged from here when it ran elsewhere: another host, or another container of this host name', () => {
    expect(holderIsGone(holder('another-host', ended))).toBe(false)
    expect(holderIsGone(holder(`${os.hostname()}/1`, ended))).toBe(false)
    expect(holderIsGone('unknown')).toBe(false)
  })
})
