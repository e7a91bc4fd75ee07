'use client'
import { Link, useAuth, useConfig } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import { useRouter } from 'next/navigation'
import React, { useMemo, useState } from 'react'

import { DecisionBadge, StatusBadge } from '../shared/Badges.client'
import { patchConversation, sameId } from '@/board/cards'
import { ConnectionIndicator } from '../shared/ConnectionIndicator.client'
import { restFinder } from '@/board/finder'
import { formatNumber, timeAgo } from '@/lib/format'
import { LocalTime } from '../shared/LocalTime.client'
import type { ConversationLink, ConversationRecord, Line } from '@/board/types'
import type { ChangeMessage, UtteranceLine } from '@/projections/changes'
import { useGathered, useLatest, useNow } from '../shared/hooks'
import { useRealtime } from '../shared/useRealtime'
import { RetryBanner } from '../shared/RetryBanner.client'
import { presentAt, usePresenceMap } from '../shared/presence'
import { Viewers } from '../shared/Viewers.client'
import { type Shortcut, useShortcuts } from '../shared/Shortcuts.client'
import { usePresenceHeartbeat } from './usePresenceHeartbeat'
import { ApplicationPanel } from './ApplicationPanel.client'
import { AssessmentsPanel } from './AssessmentsPanel.client'
import { CustomerPanel } from './CustomerPanel.client'
import {
  type ConversationDetail,
  customerConversations,
  earliestOf,
  findApplication,
  findConversation,
  findCustomer,
  linesBefore,
  linesSince,
} from './loadConversation'
import { NoticeboardPanel } from './NoticeboardPanel.client'
import { SummaryPanel } from './SummaryPanel.client'
import { Transcript } from './Transcript.client'
import { ConversationExportLinks } from '../export/ExportLinks.client'
import { ReviewBadge } from '../reviews/ReviewBadge.client'
import { ReviewsPanel } from '../reviews/ReviewsPanel.client'

const byTime = (a: Line, b: Line) =>
  a.timestamp.localeCompare(b.timestamp) || (a.seq ?? 0) - (b.seq ?? 0) || String(a.id).localeCompare(String(b.id))

/** Adds lines, once each, in time order (a late delivery goes where it belongs). */
export function mergeLines(current: Line[], incoming: Line[]): Line[] {
  const known = new Set(current.map((line) => String(line.id)))
  const fresh = incoming.filter((line) => !known.has(String(line.id)) && known.add(String(line.id)))
  if (fresh.length === 0) return current
  const last = current[current.length - 1]
  fresh.sort(byTime)
  if (!last || byTime(last, fresh[0]!) <= 0) return [...current, ...fresh]
  return [...current, ...fresh].sort(byTime)
}

/** A transcript line as the feed announces it, as the transcript shows it. */
const lineOf = ({
  id,
  seq,
  username,
  utterance,
  rationale,
  timestamp,
  answerInputType,
  endConversation,
}: UtteranceLine): Line => ({ id, seq, username, utterance, rationale, timestamp, answerInputType, endConversation })

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
  const [conversation, setConversation] = useState<ConversationRecord>(initial.conversation)
  const [lines, setLines] = useState(initial.transcript.lines)
  const [earlier, setEarlier] = useState({
    hasEarlier: initial.transcript.hasEarlier,
    count: initial.transcript.earlier,
    loading: false,
  })
  const [application, setApplication] = useState(initial.application)
  const [customer, setCustomer] = useState(initial.customer)
  const [others, setOthers] = useState(initial.customerConversations)
  const [error, setError] = useState<string | null>(null)
  const now = useNow(renderedAt)

  const latest = useLatest({ conversation, lines, application })
  const fail = (what: string) => (cause: unknown) =>
    setError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`)

  const rereadConversation = useGathered(() => {
    findConversation(finder, latest.current.conversation.conversationId)
      .then((doc) => doc && setConversation(doc))
      .catch(fail('Refreshing the conversation failed'))
  })
  const rereadApplication = useGathered(() => {
    findApplication(finder, latest.current.conversation)
      .then((doc) => doc && setApplication(doc))
      .catch(fail('Refreshing the application failed'))
  })
  const rereadCustomer = useGathered(() => {
    const id = latest.current.conversation.customer
    Promise.all([findCustomer(finder, id), customerConversations(finder, id)])
      .then(([doc, list]) => {
        if (doc) setCustomer(doc)
        setOthers(list)
      })
      .catch(fail('Refreshing the customer failed'))
  })

  // Plain functions: useRealtime always calls the latest ones.
  const onChange = (change: ChangeMessage) => {
    const { conversation: current, application: app } = latest.current
    switch (change.collection) {
      case 'utterances': {
        if (change.operation === 'delete') return
        const belongs =
          sameId(change.doc.conversation, current.id) || change.doc.conversationId === current.conversationId
        if (belongs) setLines((existing) => mergeLines(existing, [lineOf(change.doc)]))
        return
      }
      case 'conversations': {
        if (!sameId(change.id, current.id)) return
        const next = patchConversation(current, change.doc)
        setConversation((existing) => patchConversation(existing, change.doc))
        if (!sameId(next.application, current.application)) rereadApplication()
        if (!sameId(next.customer, current.customer)) rereadCustomer()
        // The message is a patch of the card; the summary's facts come with a re-read.
        rereadConversation()
        return
      }
      case 'applications':
        if (
          sameId(change.id, app?.id ?? current.application) ||
          (current.applicationNumber && change.doc.applicationNumber === current.applicationNumber)
        )
          rereadApplication()
        return
      case 'customers':
        if (sameId(change.id, current.customer)) rereadCustomer()
        return
    }
  }

  const onResync = () => {
    const { conversation: current, lines: shown } = latest.current
    const catchUp = async () => {
      const since = await linesSince(finder, current.id, shown[shown.length - 1]?.timestamp ?? null)
      if (since.complete) return setLines((existing) => mergeLines(existing, since.lines))
      // Missed more than one read brings (a long outage): start again from the latest page.
      const page = await linesBefore(finder, current.id)
      setLines(page.lines)
      setEarlier({ hasEarlier: page.hasEarlier, count: page.earlier, loading: false })
    }
    catchUp().catch(fail('Catching up on the transcript failed'))
    rereadConversation()
    rereadApplication()
    rereadCustomer()
  }

  // Who else is here: this view's heartbeats answer with everyone, the feed says who comes and goes.
  const { user } = useAuth()
  const { presence, apply: onPresence } = usePresenceMap()
  usePresenceHeartbeat(api, initial.conversation.conversationId, presenceHeartbeatMs, onPresence)
  const otherViewers = presentAt(presence, initial.conversation.conversationId, now).filter(
    (viewer) => !user || viewer.id !== String(user.id),
  )

  // Only this conversation, its lines, and its application's and customer's changes (the server follows the links).
  const status = useRealtime(
    { onChange, onResync, onPresence },
    `?conversation=${encodeURIComponent(initial.conversation.conversationId)}`,
  )

  const loadEarlier = () => {
    const first = earliestOf(lines)
    setEarlier((state) => ({ ...state, loading: true }))
    linesBefore(finder, conversation.id, first)
      .then((page) => {
        setLines((existing) => mergeLines(existing, page.lines))
        setEarlier({ hasEarlier: page.hasEarlier, count: page.earlier, loading: false })
      })
      .catch((cause) => {
        setEarlier((state) => ({ ...state, loading: false }))
        fail('Loading earlier messages failed')(cause)
      })
  }

  const customerName = conversation.customerName || customer?.fullName || null

  const router = useRouter()
  const hrefOf = (link: ConversationLink | null) =>
    link && formatAdminURL({ adminRoute, path: `/live/${encodeURIComponent(link.conversationId)}` })
  const go = (href: string | null) => href && router.push(href)
  const shortcuts: Shortcut[] = [
    {
      keys: ['k', 'ArrowLeft'],
      label: 'Previous conversation (started before)',
      run: () => go(hrefOf(initial.previous)),
    },
    { keys: ['j', 'ArrowRight'], label: 'Next conversation (started after)', run: () => go(hrefOf(initial.next)) },
    {
      keys: ['G', 'End'],
      label: 'Jump to the latest message',
      run: () => {
        const scroller = document.querySelector<HTMLElement>('.billie-transcript__scroller')
        if (scroller) scroller.scrollTop = scroller.scrollHeight
      },
    },
    { keys: ['u'], label: 'Back to the live board', run: () => go(formatAdminURL({ adminRoute, path: '' })) },
  ]
  const shortcutsHelp = useShortcuts(shortcuts, 'Conversation: keyboard shortcuts')

  return (
    <div className="billie-conversation" data-conversation-id={conversation.conversationId}>
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
          <Neighbour adminRoute={adminRoute} direction="previous" link={initial.previous} />
          <Neighbour adminRoute={adminRoute} direction="next" link={initial.next} />
        </nav>
      </header>
      <RetryBanner error={error} onRetry={() => (setError(null), onResync())} />
      {shortcutsHelp}
      <div className="billie-conversation__body">
        <section aria-label="Transcript" className="billie-conversation__transcript">
          <Transcript
            customerName={customerName}
            earlier={earlier.count}
            hasEarlier={earlier.hasEarlier}
            lines={lines}
            loadingEarlier={earlier.loading}
            onLoadEarlier={loadEarlier}
          />
        </section>
        <aside className="billie-conversation__aside">
          <ReviewsPanel conversationId={conversation.conversationId} />
          <ApplicationPanel adminRoute={adminRoute} application={application} />
          <AssessmentsPanel assessments={application?.assessments} />
          <NoticeboardPanel notes={application?.noticeboard} />
          <SummaryPanel facts={conversation.facts} purpose={conversation.purpose} />
          <CustomerPanel adminRoute={adminRoute} conversations={others} current={conversation.id} customer={customer} />
        </aside>
      </div>
    </div>
  )
}
