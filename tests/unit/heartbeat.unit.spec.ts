import { describe, expect, it } from 'vitest'

import { HEARTBEAT, wakeable, withHeartbeat } from '@/realtime/heartbeat'

/** An endless source that yields `item` each time it is woken, and says when it was released. */
function source<T>(signal: AbortSignal) {
  const state = { released: false, wake: () => {} }
  async function* items(): AsyncGenerator<T> {
    try {
      while (!signal.aborted) {
        const waiting = wakeable(signal)
        state.wake = waiting.wake
        await waiting.promise
        if (!signal.aborted) yield 'item' as T
      }
    } finally {
      state.released = true
    }
  }
  return { state, items: items() }
}

describe('a heartbeat woven into a pull-based stream', () => {
  it('beats while the source is silent, passes its items through in between, and ends with the signal', async () => {
    // Given a source that stays silent until woken, with a heartbeat every 10 ms
    const stop = new AbortController()
    const { state, items } = source<string>(stop.signal)
    const stream = withHeartbeat(items, 10, stop.signal)

    // Then it beats while nothing comes
    expect((await stream.next()).value).toBe(HEARTBEAT)
    expect((await stream.next()).value).toBe(HEARTBEAT)

    // and an item goes through as soon as the source has one
    state.wake()
    const seen: unknown[] = []
    while (!seen.includes('item')) seen.push((await stream.next()).value)
    expect(seen.filter((value) => value !== HEARTBEAT)).toEqual(['item'])

    // When the signal aborts while the stream waits
    const waiting = stream.next()
    stop.abort()

    // Then it ends, and the source is released
    expect(await waiting).toEqual({ done: true, value: undefined })
    await expect.poll(() => state.released).toBe(true)
  })

  it('passes the source’s failure on', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'first'
      throw new Error('Redis went away')
    }
    const stream = withHeartbeat(failing(), 60_000, new AbortController().signal)
    expect((await stream.next()).value).toBe('first')
    await expect(stream.next()).rejects.toThrow('Redis went away')
  })
})
