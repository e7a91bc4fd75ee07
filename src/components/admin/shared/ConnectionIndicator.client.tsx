import React from 'react'

import { POLL_MS, type RealtimeStatus } from './useRealtime'

const TEXT: Record<RealtimeStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: `Offline · refreshing every ${POLL_MS / 1000} s`,
}

const TITLE: Record<RealtimeStatus, string> = {
  connecting: 'Opening the live feed.',
  live: 'Changes appear as they happen.',
  reconnecting: 'The live feed dropped; reconnecting and catching up on what was missed.',
  offline: 'The live feed is unavailable; the page re-reads the data regularly instead.',
}

export function ConnectionIndicator({ status }: { status: RealtimeStatus }) {
  return (
    <span
      aria-live="polite"
      className={`billie-connection billie-connection--${status}`}
      data-status={status}
      role="status"
      title={TITLE[status]}
    >
      <span aria-hidden className="billie-connection__dot" />
      {TEXT[status]}
    </span>
  )
}
