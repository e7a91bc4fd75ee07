import type React from 'react'

import { type ConversationStatus, statusLabel } from '@/projections/dashboard/statuses'

import type { Marker, Tone } from '@/board/types'

export function StatusBadge({ status }: { status: ConversationStatus }) {
  return (
    <span className={`billie-badge billie-badge--status-${status}`} data-status={status}>
      {status === 'active' && <span aria-hidden className="billie-badge__pulse" />}
      {statusLabel(status)}
    </span>
  )
}

export function ToneBadge({ tone, children, title }: { tone: Tone; children: React.ReactNode; title?: string }) {
  return (
    <span className={`billie-badge billie-badge--${tone}`} title={title}>
      {children}
    </span>
  )
}

/** The final decision; left out where the status badge already says it (status approved/declined). */
export function DecisionBadge({
  decision,
  status,
}: {
  decision: 'approved' | 'declined' | null | undefined
  status?: ConversationStatus
}) {
  if (!decision || decision === status) return null
  return (
    <ToneBadge tone={decision === 'approved' ? 'ok' : 'bad'}>
      {decision === 'approved' ? 'Decision: approved' : 'Decision: declined'}
    </ToneBadge>
  )
}

export function MarkerList({ markers }: { markers: Marker[] }) {
  if (markers.length === 0) return null
  return (
    <span className="billie-markers">
      {markers.map((marker) => (
        <ToneBadge key={marker.key} title={marker.title} tone={marker.tone}>
          {marker.label}
        </ToneBadge>
      ))}
    </span>
  )
}
