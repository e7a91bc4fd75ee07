/**
 * Small pieces for pull-based streams that must also keep time: a wait that a callback or an
 * AbortSignal ends, and a heartbeat woven into any async iterable.
 */

export const HEARTBEAT = Symbol('heartbeat')
export type Heartbeat = typeof HEARTBEAT

/**
 * A promise that resolves when `wake` is called or `signal` aborts, whichever comes first, and
 * leaves no listener on the signal: a connection waits thousands of times.
 */
export function wakeable(signal: AbortSignal): { promise: Promise<void>; wake: () => void } {
  let wake = () => {}
  const promise = new Promise<void>((resolve) => {
    wake = () => {
      signal.removeEventListener('abort', wake)
      resolve()
    }
    signal.addEventListener('abort', wake, { once: true })
  })
  return { promise, wake }
}

/**
 * `source`, with a HEARTBEAT every `everyMs` whether or not anything else goes out. The next item
 * is asked for ahead (one in flight), so a heartbeat never waits for it.
 */
export async function* withHeartbeat<T>(
  source: AsyncIterable<T>,
  everyMs: number,
  signal: AbortSignal,
): AsyncGenerator<T | Heartbeat> {
  const iterator = source[Symbol.asyncIterator]()
  let next: IteratorResult<T> | { failed: unknown } | undefined
  let waiting: (() => void) | undefined
  const arrived = (result: typeof next) => {
    next = result
    waiting?.()
  }
  const ask = () => iterator.next().then(arrived, (error: unknown) => arrived({ failed: error }))
  let beatDue = false
  const beat = () => {
    beatDue = true
    waiting?.()
  }
  let timer = setTimeout(beat, everyMs)
  void ask()
  try {
    while (!signal.aborted) {
      if (beatDue) {
        beatDue = false
        timer = setTimeout(beat, everyMs)
        yield HEARTBEAT
      } else if (next === undefined) {
        const pause = wakeable(signal)
        waiting = pause.wake
        await pause.promise
        waiting = undefined
      } else {
        const result = next
        next = undefined
        if ('failed' in result) throw result.failed
        if (result.done) return
        void ask()
        yield result.value
      }
    }
  } finally {
    clearTimeout(timer)
    // Not awaited: a `next` still in flight settles once the signal has reached the source.
    iterator.return?.().catch(() => undefined)
  }
}
