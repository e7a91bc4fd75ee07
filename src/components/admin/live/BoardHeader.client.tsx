'use client'
import { Button } from '@payloadcms/ui'
import React from 'react'

import { plural } from '@/lib/format'

import { ConnectionIndicator } from '../shared/ConnectionIndicator.client'
import type { RealtimeStatus } from '../shared/useRealtime'

/** The board's title line: the feed's state, the pause button with what it holds, and the count. */
export function BoardHeader({
  status,
  paused,
  heldCount,
  onTogglePause,
  totalDocs,
  filtered,
}: {
  status: RealtimeStatus
  paused: boolean
  heldCount: number
  onTogglePause: () => void
  totalDocs: number
  filtered: boolean
}) {
  return (
    <header className="billie-live__header">
      <div className="billie-live__title">
        <h1>Live conversations</h1>
        <ConnectionIndicator status={status} />
        <Button
          aria-pressed={paused}
          buttonStyle={paused ? 'primary' : 'secondary'}
          className="billie-live__pause"
          margin={false}
          onClick={onTogglePause}
          size="small"
          tooltip={paused ? 'Apply what arrived and follow live again (p)' : 'Hold live updates while you read (p)'}
        >
          {paused ? `Resume${heldCount ? ` · ${plural(heldCount, 'update')}` : ''}` : 'Pause'}
        </Button>
      </div>
      <p className="billie-live__count" data-total={totalDocs}>
        {filtered ? `${plural(totalDocs, 'conversation')} match` : plural(totalDocs, 'conversation')}
      </p>
    </header>
  )
}

/** Says that live updates are held, and how many wait. */
export function PausedNotice({ heldCount }: { heldCount: number }) {
  return (
    <div className="billie-live__paused" data-held={heldCount} role="status">
      Live updates paused
      {heldCount > 0 ? `: ${plural(heldCount, 'update')} waiting` : ''}. They apply all at once when you resume.
    </div>
  )
}
