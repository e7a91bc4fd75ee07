'use client'
import { useCallback, useRef, useState } from 'react'

import { useLatest } from '../shared/hooks'

export type PausableFeed<T> = {
  paused: boolean
  /** How many changes wait for the resume. */
  heldCount: number
  togglePause: () => void
  /** A change: applied now, or held while paused. */
  receive: (change: T) => void
  /** Runs a re-read now, or, while paused, a catch-up on resume instead. */
  whenLive: (reread: () => void) => void
}

/**
 * Live updates the reader can hold while they read: while paused, changes gather (the count
 * shows how many) and apply in one step on resume, followed by `catchUp` when a re-read was
 * asked for meanwhile.
 */
export function usePausableFeed<T>({
  apply,
  catchUp,
}: {
  apply: (changes: T[]) => void
  catchUp: () => void
}): PausableFeed<T> {
  const [paused, setPaused] = useState(false)
  const [heldCount, setHeldCount] = useState(0)
  const held = useRef<{ changes: T[]; reread: boolean }>({ changes: [], reread: false })
  const pausedRef = useLatest(paused)
  const handlersRef = useLatest({ apply, catchUp })

  const receive = useCallback(
    (change: T) => {
      if (!pausedRef.current) return handlersRef.current.apply([change])
      held.current.changes.push(change)
      setHeldCount(held.current.changes.length)
    },
    [handlersRef, pausedRef],
  )

  const whenLive = useCallback(
    (reread: () => void) => {
      if (pausedRef.current) held.current.reread = true
      else reread()
    },
    [pausedRef],
  )

  const togglePause = useCallback(() => {
    if (!pausedRef.current) return setPaused(true)
    const { changes, reread } = held.current
    held.current = { changes: [], reread: false }
    setPaused(false)
    setHeldCount(0)
    pausedRef.current = false
    handlersRef.current.apply(changes)
    if (reread) handlersRef.current.catchUp()
  }, [handlersRef, pausedRef])

  return { paused, heldCount, togglePause, receive, whenLive }
}
