import { Link } from '@payloadcms/ui'
import React from 'react'

import { ReviewBadge } from '../reviews/ReviewBadge.client'
import { DecisionBadge, MarkerList, StatusBadge } from '../shared/Badges.client'
import { classNames } from '../shared/classNames'
import { plural, timeAgo } from '../shared/format'
import type { Card } from '../shared/types'

const SPEAKER = { customer: 'Customer', assistant: 'Billie' } as const

/** One conversation on the Live Conversations board. Everything people wrote is text. */
export const ConversationCard = React.memo(function ConversationCard({
  card,
  href,
  now,
}: {
  card: Card
  href: string
  now: number
}) {
  const line = card.lastLine
  return (
    <Link
      aria-label={`${card.customerName ?? 'Unknown customer'}, ${card.applicationNumber ?? card.conversationId}`}
      className="billie-card"
      data-conversation-id={card.conversationId}
      href={href}
      prefetch={false}
    >
      <div className="billie-card__head">
        <span className="billie-card__name">{card.customerName || 'Customer not known yet'}</span>
        <StatusBadge status={card.status} />
      </div>
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
