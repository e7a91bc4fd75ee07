'use client'
/**
 * Who views which conversation, as this browser knows it: the server's answer or the change
 * feed's latest `presence` event per conversation, each viewer until their TTL runs out here
 * (so one who left without a word disappears without any further message).
 */
import { useCallback, useState } from 'react'

import type { PresenceUpdate } from './useRealtime'

export type Presence = { id: string; name: string; until: number }
export type PresenceMap = ReadonlyMap<string, Presence[]>

const toPresence = (update: PresenceUpdate, at: number): Presence[] =>
  update.viewers.map((viewer) => ({ id: viewer.id, name: viewer.name, until: at + viewer.ttlMs }))

/** The viewers of a conversation still present at `now`. */
export const presentAt = (presence: PresenceMap, conversationId: string, now: number): Presence[] =>
  (presence.get(conversationId) ?? []).filter((viewer) => viewer.until > now)

export function usePresenceMap(): {
  presence: PresenceMap
  apply: (update: PresenceUpdate) => void
  load: (api: string, conversationIds: string[]) => Promise<void>
} {
  const [presence, setPresence] = useState<PresenceMap>(new Map())
  const apply = useCallback((update: PresenceUpdate) => {
    const at = Date.now()
    setPresence((current) => new Map(current).set(update.conversationId, toPresence(update, at)))
  }, [])
  const load = useCallback(async (api: string, conversationIds: string[]) => {
    if (conversationIds.length === 0) return
    const response = await fetch(`${api}/presence?conversations=${encodeURIComponent(conversationIds.join(','))}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
    if (!response.ok) throw new Error(`Reading who is viewing failed (${response.status})`)
    const { viewers } = (await response.json()) as { viewers: Record<string, PresenceUpdate['viewers']> }
    const at = Date.now()
    setPresence((current) => {
      const next = new Map(current)
      for (const conversationId of conversationIds)
        next.set(conversationId, toPresence({ conversationId, viewers: viewers[conversationId] ?? [] }, at))
      return next
    })
  }, [])
  return { presence, apply, load }
}
