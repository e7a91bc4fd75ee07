import { Gutter, SetStepNav } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import { formatAdminURL } from 'payload/shared'
import React from 'react'

import { presenceSettings } from '@/presence/presence'

import { requireStaff } from '../access'
import { localFinder } from '@/board/localFinder'
import { StaffTemplate } from '../StaffTemplate'
import { ConversationLive } from './ConversationLive.client'
import { loadConversationDetail } from './loadConversation'
import './conversation.scss'

/** The conversation id in `/live/:conversationId` (Payload hands custom views the catch-all segments). */
function conversationIdOf(params: AdminViewServerProps['params']): string {
  const segments = params?.segments
  const raw = Array.isArray(segments) ? segments[1] : undefined
  if (!raw) return ''
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/**
 * One conversation, live: the transcript beside the application, its assessments, the
 * noticeboard, the summary and the customer. A custom route (`/live/:conversationId`), so it
 * checks the user first and brings the admin's template itself.
 */
export async function ConversationView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  const conversationId = conversationIdOf(params)
  requireStaff(initPageResult, `/live/${encodeURIComponent(conversationId)}`)
  const { req } = initPageResult
  const adminRoute = req.payload.config.routes.admin
  const detail = conversationId ? await loadConversationDetail(localFinder(req), conversationId) : null
  const home = formatAdminURL({ adminRoute, path: '' })
  // A server component renders once per request: its clock reading is the page's render time.
  // eslint-disable-next-line react-hooks/purity
  const renderedAt = Date.now()

  return (
    <StaffTemplate
      initPageResult={initPageResult}
      params={params}
      searchParams={searchParams}
      viewType="liveConversation"
    >
      <SetStepNav
        nav={[
          { label: 'Live conversations', url: home },
          { label: detail?.conversation.customerName || conversationId || 'Conversation' },
        ]}
      />
      <Gutter className="billie-conversation-view">
        {detail ? (
          <ConversationLive
            initial={detail}
            key={detail.conversation.conversationId}
            presenceHeartbeatMs={presenceSettings().heartbeatMs}
            renderedAt={renderedAt}
          />
        ) : (
          <div className="billie-missing">
            <h1>Conversation not found</h1>
            <p>
              No conversation <code>{conversationId}</code> has been recorded (yet). If it has just started, it appears
              on the live board within a moment.
            </p>
            <a className="billie-link" href={home}>
              Back to live conversations
            </a>
          </div>
        )}
      </Gutter>
    </StaffTemplate>
  )
}
