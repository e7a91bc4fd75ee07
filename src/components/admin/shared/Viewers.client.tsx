'use client'
import React from 'react'

import type { Presence } from './presence'

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('')

/** Who is viewing a conversation: initials in Payload's pill style, names on hover and for screen readers. */
export function Viewers({ viewers, label = 'Viewing now' }: { viewers: Presence[]; label?: string }) {
  if (viewers.length === 0) return null
  const names = viewers.map((viewer) => viewer.name).join(', ')
  return (
    <span
      aria-label={`${label}: ${names}`}
      className="billie-viewers"
      data-viewers={names}
      role="status"
      title={`${label}: ${names}`}
    >
      {viewers.slice(0, 4).map((viewer) => (
        <span aria-hidden className="billie-viewers__avatar" key={viewer.id}>
          {initials(viewer.name) || '?'}
        </span>
      ))}
      {viewers.length > 4 && <span className="billie-viewers__more">+{viewers.length - 4}</span>}
      <span className="billie-viewers__names">{names}</span>
    </span>
  )
}
