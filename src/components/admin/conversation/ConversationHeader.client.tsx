'use client'
import { Link } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import React from 'react'

import type { ConversationLink, ConversationRecord } from '@/board/types'
import { formatNumber, timeAgo } from '@/lib/format'

import { ConversationExportLinks } from '../export/ExportLinks.client'
import { ReviewBadge } from '../reviews/ReviewBadge.client'
import { DecisionBadge, StatusBadge } from '../shared/Badges.client'
import { ConnectionIndicator } from '../shared/ConnectionIndicator.client'
import { LocalTime } from '../shared/LocalTime.client'
import type { Presence } from '../shared/presence'
import type { RealtimeStatus } from '../shared/useRealtime'
import { Viewers } from '../shared/Viewers.client'

function Neighbour({
  link,
  direction,
  adminRoute,
}: {
  link: ConversationLink | null
  direction: 'previous' | 'next'
  adminRoute: string
}) {
  const text = direction === 'previous' ? '← Previous' : 'Next →'
  if (!link) return <span className="billie-pager__none">{text}</span>
  return (
    <Link
      className="billie-pager__link"
      href={formatAdminURL({ adminRoute, path: `/live/${encodeURIComponent(link.conversationId)}` })}
      prefetch={false}
      rel={direction === 'previous' ? 'prev' : 'next'}
      title={`Started just ${direction === 'previous' ? 'before' : 'after'} this one`}
    >
      <span>{text}</span>
      <span className="billie-pager__name">{link.customerName || link.applicationNumber || link.conversationId}</span>
    </Link>
  )
}

/**
 * Who the conversation is with and where it stands: the name and badges, who else is viewing,
 * the facts at a glance, the exports, and the conversations started just before and after.
 */
export function ConversationHeader({
  conversation,
  customerName,
  status,
  otherViewers,
  now,
  adminRoute,
  previous,
  next,
}: {
  conversation: ConversationRecord
  customerName: string | null
  status: RealtimeStatus
  otherViewers: Presence[]
  now: number
  adminRoute: string
  previous: ConversationLink | null
  next: ConversationLink | null
}) {
  return (
    <header className="billie-conversation__header">
      <div className="billie-conversation__heading">
        <h1>{customerName || 'Customer not known yet'}</h1>
        <StatusBadge status={conversation.status} />
        <DecisionBadge decision={conversation.finalDecision} status={conversation.status} />
        <ReviewBadge conversationId={conversation.conversationId} />
        <ConnectionIndicator status={status} />
        <Viewers label="Also viewing" viewers={otherViewers} />
      </div>
      <dl className="billie-conversation__meta">
        <div>
          <dt>Application</dt>
          <dd>{conversation.applicationNumber ?? '—'}</dd>
        </div>
        <div>
          <dt>Conversation</dt>
          <dd className="billie-mono">{conversation.conversationId}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <LocalTime iso={conversation.startedAt} />
          </dd>
        </div>
        <div>
          <dt>Last message</dt>
          <dd>{timeAgo(conversation.lastUtteranceAt, now)}</dd>
        </div>
        <div>
          <dt>Messages</dt>
          <dd data-testid="message-count">{formatNumber(conversation.messageCount ?? 0)}</dd>
        </div>
      </dl>
      <ConversationExportLinks conversationId={conversation.conversationId} />
      <nav aria-label="Other conversations" className="billie-pager">
        <Neighbour adminRoute={adminRoute} direction="previous" link={previous} />
        <Neighbour adminRoute={adminRoute} direction="next" link={next} />
      </nav>
    </header>
  )
}
