import React from 'react'

import type { ConversationRecord } from '@/board/types'
import { Panel } from './Panel.client'

/** The conversation summary (purpose and facts), written by the assistant near the end. */
export function SummaryPanel({ purpose, facts }: Pick<ConversationRecord, 'purpose' | 'facts'>) {
  const items = (facts ?? []).map((item) => item.fact).filter((fact): fact is string => Boolean(fact))
  return (
    <Panel id="summary" title="Summary">
      {!purpose && items.length === 0 ? (
        <p className="billie-muted">No summary yet: the assistant writes one as the conversation ends.</p>
      ) : (
        <>
          {purpose && <p className="billie-summary__purpose">{purpose}</p>}
          {items.length > 0 && (
            <ul className="billie-summary__facts">
              {items.map((fact, index) => (
                <li key={`${index}-${fact}`}>{fact}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </Panel>
  )
}
