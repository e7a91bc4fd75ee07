'use client'
import { useEffect, useState } from 'react'

/**
 * GETs a JSON endpoint now and every `everyMs` while the page is open: the operations views
 * follow figures that change every batch, and a 2 s poll of one cheap read (a few pipelined Redis
 * commands) is simpler and as live as a stream of them. Errors keep the last answer and say why.
 */
export function usePoll<T>(url: string | null, everyMs = 2_000): { data?: T; error?: string; refresh: () => void } {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<string>()
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (!url) return
    let cancelled = false
    const load = async () => {
      try {
        const res = await fetch(url, { credentials: 'include', cache: 'no-store' })
        const body = (await res.json()) as T & { message?: string }
        if (cancelled) return
        if (!res.ok) setError(body.message ?? `HTTP ${res.status}`)
        else {
          setData(body)
          setError(undefined)
        }
      } catch (failure) {
        if (!cancelled) setError(failure instanceof Error ? failure.message : String(failure))
      }
    }
    void load()
    const timer = setInterval(load, everyMs)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [url, everyMs, tick])
  return { data, error, refresh: () => setTick((n) => n + 1) }
}
