'use client'
import { useConfig } from '@payloadcms/ui'
import React from 'react'

import '../reviews/reviews.scss'

/** "Export CSV" of the board as filtered now (the board's own URL parameters, passed through). */
export function BoardCsvLink({ filters }: { filters: Record<string, string | null | undefined> }) {
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value)
  const query = params.toString()
  return (
    <a className="billie-export-link" download href={`${api}/export/board.csv${query ? `?${query}` : ''}`}>
      Export CSV
    </a>
  )
}

/** JSON download and printable page of one conversation. */
export function ConversationExportLinks({ conversationId }: { conversationId: string }) {
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const base = `${api}/export/conversations/${encodeURIComponent(conversationId)}`
  return (
    <span className="billie-export-links">
      <a className="billie-export-link" download href={base}>
        Export JSON
      </a>
      <a className="billie-export-link" href={`${base}?format=print`} rel="noopener" target="_blank">
        Print
      </a>
    </span>
  )
}
