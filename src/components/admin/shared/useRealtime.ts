'use client'
import { useConfig } from '@payloadcms/ui'
import { useEffect, useState } from 'react'

import {
  type ChangeMessage,
  FEED_COLLECTIONS,
  type PresenceMessage,
  readChangeMessage,
  readPresenceMessage,
} from '@/projections/changes'

import { useHydrated, useLatest } from './hooks'

/** What the connection indicator shows. */
export type RealtimeStatus = 'connecting' | 'live' | 'reconnecting' | 'offline'

/** A `presence` frame: the conversation's viewers, each present for `ttlMs` from now unless renewed. */
export type PresenceUpdate = PresenceMessage['doc']

/** While the feed is unreachable the view re-reads this often (polling fallback). */
export const POLL_MS = 10_000
const MAX_RETRY_MS = 30_000

type Handlers = {
  /** One change from the feed: the record and the card or transcript fields its writer knew (a patch). */
  onChange: (change: ChangeMessage) => void
  /**
   * Re-read what the view shows: on the first connection (changes made between the server
   * render and the subscription), when the feed says `reset` (too far behind to resume), and
   * every POLL_MS while the feed is unreachable.
   */
  onResync: () => void
  /** Who views a conversation now (`presence` events, src/presence): the views that show it listen. */
  onPresence?: (message: PresenceUpdate) => void
}

/**
 * Follows `GET /api/realtime` (Server-Sent Events). The browser's EventSource reconnects by
 * itself and resumes with Last-Event-ID; when it gives up (the endpoint refused, or is
 * missing) this hook opens a new one with backoff and polls meanwhile, so the view stays current.
 */
export function useRealtime({ onChange, onResync, onPresence }: Handlers, query = ''): RealtimeStatus {
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const [status, setStatus] = useState<RealtimeStatus>('connecting')
  const handlers = useLatest<Handlers>({ onChange, onResync, onPresence })
  const hydrated = useHydrated()
  const supported = !hydrated || typeof EventSource !== 'undefined'

  useEffect(() => {
    if (!supported) {
      const poll = setInterval(() => handlers.current.onResync(), POLL_MS)
      return () => clearInterval(poll)
    }
    let source: EventSource | undefined
    let retry: ReturnType<typeof setTimeout> | undefined
    let poll: ReturnType<typeof setInterval> | undefined
    /** Set while the browser retries on its own: if that takes long, the view polls meanwhile. */
    let slow: ReturnType<typeof setTimeout> | undefined
    let retryMs = 2_000
    let stopped = false
    let synced = false

    const stopPolling = () => {
      if (poll) clearInterval(poll)
      poll = undefined
    }
    const startPolling = () => {
      poll ??= setInterval(() => handlers.current.onResync(), POLL_MS)
    }
    /** The feed is flowing. `resync` when the feed says it cannot resume (`reset`). */
    const live = (resync = false) => {
      if (stopped) return
      clearTimeout(slow)
      slow = undefined
      setStatus('live')
      retryMs = 2_000
      // The first time, after polling (whatever changed meanwhile) and after a reset: re-read once.
      if (resync || poll || !synced) handlers.current.onResync()
      stopPolling()
      synced = true
    }
    const onFrame = (event: MessageEvent<string>) => {
      const change = readChangeMessage(event.data, event.type)
      if (change) handlers.current.onChange(change)
    }

    const open = () => {
      if (stopped) return
      const es = new EventSource(`${api}/realtime${query}`)
      source = es
      // `ready` says the subscription is in place; an endpoint without it is live once open.
      let ready = false
      es.addEventListener('ready', () => {
        ready = true
        live()
      })
      es.addEventListener('reset', () => {
        ready = true
        live(true)
      })
      es.addEventListener('open', () => setTimeout(() => !ready && es.readyState === EventSource.OPEN && live(), 1_500))
      for (const name of FEED_COLLECTIONS) es.addEventListener(name, onFrame as EventListener)
      es.addEventListener('message', onFrame)
      es.addEventListener('presence', ((event: MessageEvent<string>) => {
        const message = readPresenceMessage(event.data)
        if (message) handlers.current.onPresence?.(message.doc)
      }) as EventListener)
      es.addEventListener('error', () => {
        if (stopped) return
        if (es.readyState === EventSource.CLOSED) {
          // The browser gave up (an HTTP error such as 401/404): poll, and try again later.
          setStatus('offline')
          startPolling()
          retry = setTimeout(open, retryMs)
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
        } else {
          setStatus('reconnecting')
          slow ??= setTimeout(() => {
            slow = undefined
            if (es.readyState === EventSource.OPEN) return
            setStatus('offline')
            startPolling()
          }, POLL_MS)
        }
      })
    }
    open()
    return () => {
      stopped = true
      source?.close()
      clearTimeout(retry)
      clearTimeout(slow)
      stopPolling()
    }
  }, [api, handlers, query, supported])

  return supported ? status : 'offline'
}
