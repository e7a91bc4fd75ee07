'use client'
import { useEffect } from 'react'

import { useLatest } from '../shared/hooks'
import { type PresenceMap, usePresenceMap } from '../shared/presence'
import type { PresenceUpdate } from '../shared/useRealtime'

/** Who is viewing the first this many listed conversations is read. */
const MAX_LISTED = 200

/**
 * Who is viewing each listed conversation: read for the cards shown, and again every heartbeat
 * interval (renewals are not announced); `onPresence` takes the feed's presence events, which
 * say at once who comes and goes.
 */
export function useListedPresence(
  api: string,
  conversationIds: string[],
  heartbeatMs: number,
  onError: (cause: unknown) => void,
): { presence: PresenceMap; onPresence: (update: PresenceUpdate) => void } {
  const { presence, apply, load } = usePresenceMap()
  const report = useLatest(onError)
  const listed = conversationIds.slice(0, MAX_LISTED).join(',')
  useEffect(() => {
    const ids = listed ? listed.split(',') : []
    load(api, ids).catch((cause: unknown) => report.current(cause))
    const timer = setInterval(() => {
      // A missed re-read is made good by the next; presence is a courtesy, never an error to show.
      if (document.visibilityState !== 'hidden') load(api, ids).catch(() => undefined)
    }, heartbeatMs)
    return () => clearInterval(timer)
  }, [api, listed, load, heartbeatMs, report])
  return { presence, onPresence: apply }
}
