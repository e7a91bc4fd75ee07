'use client'
import React from 'react'

import { ToneBadge } from '../shared/Badges.client'
import { useOpenReview } from './openReviews'
import './reviews.scss'

/** "In review" on a conversation with an open review, live: who holds it, and why on hover. */
export function ReviewBadge({ conversationId }: { conversationId: string }) {
  const review = useOpenReview(conversationId)
  if (!review) return null
  return (
    <span className="billie-review-badge" data-review-status="open">
      <ToneBadge title={`Flagged by ${review.flaggedByName ?? 'a supervisor'}: ${review.reason}`} tone="warn">
        {review.assigneeName ? `In review · ${review.assigneeName}` : 'In review · unassigned'}
      </ToneBadge>
    </span>
  )
}
