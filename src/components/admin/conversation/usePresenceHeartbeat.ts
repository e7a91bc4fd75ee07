'use client'
import { useEffect } from 'react'

import type { PresenceUpdate } from '../shared/useRealtime'
import { useLatest } from '../shared/hooks'

/**
 * While this view is open, tells the server every `heartbeatMs` that the user is viewing the
 * conversation (src/presence), and that they left when the view goes (navigation or closing the
 * tab). `onViewers` gets each answer: everyone viewing now.
 */
export function usePresenceHeartbeat(
  api: string,
  conversationId: string,
  heartbeatMs: number,
  onViewers: (update: PresenceUpdate) => void,
): void {
  const latest = useLatest(onViewers)
  useEffect(() => {
    const body = JSON.stringify({ conversationId })
    let stopped = false
    const beat = () =>
      fetch(`${api}/presence/heartbeat`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body,
      })
        .then((response) => (response.ok ? (response.json() as Promise<PresenceUpdate>) : undefined))
        .then((update) => update && !stopped && latest.current(update))
        // A missed heartbeat (the network, or a 429 beyond the user's allowance) is retried by the
        // next one; presence is a courtesy, never an error to show.
        .catch(() => undefined)
    const leave = () => {
      const blob = new Blob([body], { type: 'application/json' })
      if (!navigator.sendBeacon?.(`${api}/presence/leave`, blob))
        void fetch(`${api}/presence/leave`, { method: 'POST', keepalive: true, body, credentials: 'same-origin' })
    }
    void beat()
    const timer = setInterval(beat, heartbeatMs)
    window.addEventListener('pagehide', leave)
    return () => {
      stopped = true
      clearInterval(timer)
      window.removeEventListener('pagehide', leave)
      leave()
    }
  }, [api, conversationId, heartbeatMs, latest])
}
