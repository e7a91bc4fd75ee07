import { Link } from '@payloadcms/ui'
import React from 'react'

import { attentionReasons, type AttentionThresholds } from '@/attention/rules'

import { ReviewBadge } from '../reviews/ReviewBadge.client'
import { DecisionBadge, MarkerList, StatusBadge } from '../shared/Badges.client'
import { classNames } from '../shared/classNames'
import { plural, timeAgo } from '@/lib/format'
import type { Presence } from '../shared/presence'
import type { Card } from '@/board/types'
import { Viewers } from '../shared/Viewers.client'

const SPEAKER = { customer: 'Customer', assistant: 'Billie' } as const

/** One conversation on the Live Conversations board. Everything people wrote is text. */
export const ConversationCard = React.memo(function ConversationCard({
  card,
  href,
  now,
  thresholds,
  viewers,
}: {
  card: Card
  href: string
  now: number
  thresholds: AttentionThresholds
  viewers: Presence[]
}) {
  const line = card.lastLine
  const reasons = attentionReasons(card, now, thresholds)
  return (
    <Link
      aria-label={`${card.customerName ?? 'Unknown customer'}, ${card.applicationNumber ?? card.conversationId}`}
      className={classNames('billie-card', reasons.length > 0 && 'billie-card--attention')}
      data-attention={reasons.map((reason) => reason.rule).join(' ') || undefined}
      data-conversation-id={card.conversationId}
      href={href}
      prefetch={false}
    >
      <div className="billie-card__head">
        <span className="billie-card__name">{card.customerName || 'Customer not known yet'}</span>
        <StatusBadge status={card.status} />
      </div>
      {reasons.length > 0 && (
        <ul aria-label="Needs attention" className="billie-card__attention">
          {reasons.map((reason) => (
            <li key={reason.rule} title={reason.label}>
              {reason.text}
            </li>
          ))}
        </ul>
      )}
      <ReviewBadge conversationId={card.conversationId} />
      <div className="billie-card__meta">
        <span className="billie-card__application">{card.applicationNumber ?? 'No application yet'}</span>
        <span className="billie-card__id">{card.conversationId}</span>
      </div>
      <p className="billie-card__snippet">
        {line ? (
          <>
            <span className={classNames('billie-card__who', `billie-card__who--${line.username}`)}>
              {SPEAKER[line.username]}:
            </span>{' '}
            {line.utterance ?? ''}
          </>
        ) : (
          <span className="billie-card__empty">
            {card.messageCount ? 'Loading the last message…' : 'No messages yet'}
          </span>
        )}
      </p>
      <div className="billie-card__foot">
        <span className="billie-card__ago" title={card.lastUtteranceAt ?? undefined}>
          {timeAgo(card.lastUtteranceAt, now)}
        </span>
        <span className="billie-card__count">{plural(card.messageCount, 'message')}</span>
        <Viewers viewers={viewers} />
      </div>
      {((card.finalDecision && card.finalDecision !== card.status) || card.markers.length > 0) && (
        <div className="billie-card__markers">
          <DecisionBadge decision={card.finalDecision} status={card.status} />
          <MarkerList markers={card.markers} />
        </div>
      )}
    </Link>
  )
})
