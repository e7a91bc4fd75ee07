'use client'
import { useEffect, useState } from 'react'

import { type AttentionJudge, countAttention } from '@/board/cards'
import type { Finder } from '@/board/finder'

import { useGathered, useLatest } from '../shared/hooks'

/** Time-based rules (idle, stuck, soft end) change with the clock alone: the count is re-read this often. */
export const ATTENTION_REFRESH_MS = 15_000
/** Change messages come in bursts: the count is re-read once per burst. */
const COUNT_GATHER_MS = 1_000

/**
 * How many conversations need attention: `refresh` re-reads it once per burst of calls, and the
 * clock re-reads it every ATTENTION_REFRESH_MS while the page is visible, calling `onTick` too (the
 * list under the attention filter changes with the clock as well).
 */
export function useAttentionCount({
  finder,
  judge,
  initial,
  onError,
  onTick,
}: {
  finder: Finder
  judge: AttentionJudge
  initial: number
  onError: (cause: unknown) => void
  onTick: () => void
}): { count: number; refresh: () => void } {
  const [count, setCount] = useState(initial)
  const inputsRef = useLatest({ finder, judge, onError, onTick })
  const refresh = useGathered(() => {
    const { finder, judge, onError } = inputsRef.current
    countAttention(finder, judge).then(setCount).catch(onError)
  }, COUNT_GATHER_MS)

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'hidden') return
      refresh()
      inputsRef.current.onTick()
    }, ATTENTION_REFRESH_MS)
    return () => clearInterval(timer)
  }, [inputsRef, refresh])

  return { count, refresh }
}
