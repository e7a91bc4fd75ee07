'use client'
import { useEffect, useState } from 'react'

/**
 * The current time, ticking every `intervalMs`. Starts from `initial` (the server's render time)
 * so the server's HTML and the first client render agree.
 */
export function useNow(initial: number, intervalMs = 1_000): number {
  const [now, setNow] = useState(initial)
  useEffect(() => {
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}
