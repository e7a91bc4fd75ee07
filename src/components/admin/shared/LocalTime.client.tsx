'use client'
import React from 'react'

import { formatDate, formatDateTime, formatTime } from '@/lib/format'
import { useHydrated } from './hooks'

const FORMATS = { date: formatDate, dateTime: formatDateTime, time: formatTime }

/**
 * A timestamp in the reader's time zone. The server knows no browser zone, so the server's
 * HTML (and the first client render, which must match it) says UTC; the local time follows.
 */
export function LocalTime({
  iso,
  format = 'dateTime',
}: {
  iso: string | null | undefined
  format?: keyof typeof FORMATS
}) {
  const local = useHydrated()
  if (!iso) return <>—</>
  const text = local ? FORMATS[format](iso) : `${FORMATS[format](iso, 'UTC')} UTC`
  return (
    <time dateTime={iso} title={local ? `${formatDateTime(iso, 'UTC')} UTC` : undefined}>
      {text}
    </time>
  )
}
