'use client'
/**
 * The small hooks every live view uses: the latest value for callbacks that outlive a render,
 * a gatherer for bursts of change messages, a ticking clock, and whether hydration is done.
 */
import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react'

/** A ref that always holds the latest `value`, for timers and subscriptions set up earlier. */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value)
  useLayoutEffect(() => {
    ref.current = value
  })
  return ref
}

/** Change messages arrive in bursts (a worker batch): the reads they trigger are gathered this long. */
export const GATHER_MS = 250

/**
 * Calls `run` once per burst, with everything added during the last `ms` (each item once). With no
 * items (`useGathered(() => reread())`), it runs once per burst of calls.
 */
export function useGathered<T = void>(run: (items: T[]) => void, ms = GATHER_MS): (item: T) => void {
  const queue = useRef(new Set<T>())
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useLatest(run)
  useEffect(() => () => clearTimeout(timer.current), [])
  return useCallback(
    (item: T) => {
      queue.current.add(item)
      timer.current ??= setTimeout(() => {
        const items = [...queue.current]
        queue.current.clear()
        timer.current = undefined
        latest.current(items)
      }, ms)
    },
    [latest, ms],
  )
}

/** One clock for every component that shows "time since": a single interval while anyone looks. */
const clock = (() => {
  let now = Date.now()
  const listeners = new Set<() => void>()
  let timer: ReturnType<typeof setInterval> | undefined
  return {
    subscribe(listener: () => void) {
      listeners.add(listener)
      now = Date.now()
      timer ??= setInterval(() => {
        now = Date.now()
        for (const notify of listeners) notify()
      }, 1_000)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) {
          clearInterval(timer)
          timer = undefined
        }
      }
    },
    read: () => now,
  }
})()

/**
 * The current time, ticking every second. The server's render (and hydration, which must match
 * it) uses `initial`, the server's render time.
 */
export function useNow(initial: number): number {
  return useSyncExternalStore(clock.subscribe, clock.read, () => initial)
}

const noSubscription = () => () => {}

/** False while the server renders and during hydration, true after: for what only a browser knows. */
export const useHydrated = (): boolean =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  )
