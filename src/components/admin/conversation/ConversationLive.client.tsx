'use client'
import { useAuth, useConfig } from '@payloadcms/ui'
import React, { useMemo, useState } from 'react'

import { sameId } from '@/board/cards'
import { restFinder } from '@/board/finder'
import type { ChangeMessage } from '@/projections/changes'

import { ReviewsPanel } from '../reviews/ReviewsPanel.client'
import { useNow } from '../shared/hooks'
import { presentAt, usePresenceMap } from '../shared/presence'
import { RetryBanner } from '../shared/RetryBanner.client'
import { useRealtime } from '../shared/useRealtime'
import { ApplicationPanel } from './ApplicationPanel.client'
import { AssessmentsPanel } from './AssessmentsPanel.client'
import { ConversationHeader } from './ConversationHeader.client'
import { CustomerPanel } from './CustomerPanel.client'
import type { ConversationDetail } from './loadConversation'
import { NoticeboardPanel } from './NoticeboardPanel.client'
import { SummaryPanel } from './SummaryPanel.client'
import { Transcript } from './Transcript.client'
import { useConversationKeyboard } from './useConversationKeyboard'
import { useConversationRecords } from './useConversationRecords'
import { usePresenceHeartbeat } from './usePresenceHeartbeat'
import { useTranscript } from './useTranscript'

/**
 * One conversation, live: its transcript (useTranscript) and the records beside it
 * (useConversationRecords), kept current by the change feed of this conversation alone, with
 * who else is viewing it and keyboard shortcuts (useConversationKeyboard).
 */
export function ConversationLive({
  initial,
  renderedAt,
  presenceHeartbeatMs,
}: {
  initial: ConversationDetail
  renderedAt: number
  presenceHeartbeatMs: number
}) {
  const {
    config: {
      routes: { admin: adminRoute, api },
    },
  } = useConfig()
  const finder = useMemo(() => restFinder(api), [api])
  const [error, setError] = useState<string | null>(null)
  const fail = (what: string) => (cause: unknown) =>
    setError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`)
  const now = useNow(renderedAt)
  const { conversationId } = initial.conversation

  const records = useConversationRecords(finder, initial, fail)
  const { conversation, application, customer } = records
  const transcript = useTranscript(finder, initial.conversation.id, initial.transcript, fail)

  // Plain functions: useRealtime always calls the latest ones.
  const onChange = (change: ChangeMessage) => {
    switch (change.collection) {
      case 'utterances':
        if (change.operation === 'delete') return
        if (
          sameId(change.doc.conversation, conversation.id) ||
          change.doc.conversationId === conversation.conversationId
        )
          transcript.add(change.doc)
        return
      case 'conversations':
      case 'applications':
      case 'customers':
        return records.apply(change)
    }
  }
  const onResync = () => {
    transcript.catchUp()
    records.rereadAll()
  }

  // Who else is here: this view's heartbeats answer with everyone, the feed says who comes and goes.
  const { user } = useAuth()
  const { presence, apply: onPresence } = usePresenceMap()
  usePresenceHeartbeat(api, conversationId, presenceHeartbeatMs, onPresence)
  const otherViewers = presentAt(presence, conversationId, now).filter(
    (viewer) => !user || viewer.id !== String(user.id),
  )

  // Only this conversation, its lines, and its application's and customer's changes (the server follows the links).
  const status = useRealtime({ onChange, onResync, onPresence }, `?conversation=${encodeURIComponent(conversationId)}`)
  const shortcutsHelp = useConversationKeyboard({ adminRoute, previous: initial.previous, next: initial.next })

  const customerName = conversation.customerName || customer?.fullName || null
  return (
    <div className="billie-conversation" data-conversation-id={conversation.conversationId}>
      <ConversationHeader
        adminRoute={adminRoute}
        conversation={conversation}
        customerName={customerName}
        next={initial.next}
        now={now}
        otherViewers={otherViewers}
        previous={initial.previous}
        status={status}
      />
      <RetryBanner error={error} onRetry={() => (setError(null), onResync())} />
      {shortcutsHelp}
      <div className="billie-conversation__body">
        <section aria-label="Transcript" className="billie-conversation__transcript">
          <Transcript
            customerName={customerName}
            earlier={transcript.earlier.count}
            hasEarlier={transcript.earlier.hasEarlier}
            lines={transcript.lines}
            loadingEarlier={transcript.earlier.loading}
            onLoadEarlier={transcript.loadEarlier}
          />
        </section>
        <aside className="billie-conversation__aside">
          <ReviewsPanel conversationId={conversation.conversationId} />
          <ApplicationPanel adminRoute={adminRoute} application={application} />
          <AssessmentsPanel assessments={application?.assessments} />
          <NoticeboardPanel notes={application?.noticeboard} />
          <SummaryPanel facts={conversation.facts} purpose={conversation.purpose} />
          <CustomerPanel
            adminRoute={adminRoute}
            conversations={records.others}
            current={conversation.id}
            customer={customer}
          />
        </aside>
      </div>
    </div>
  )
}
