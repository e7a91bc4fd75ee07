'use client'
import React, { useCallback, useLayoutEffect, useRef, useState } from 'react'

import { formatNumber } from '@/lib/format'
import { LocalTime } from '../shared/LocalTime.client'
import type { Line, RecordId } from '@/board/types'

type Props = {
  lines: Line[]
  customerName: string | null
  hasEarlier: boolean
  earlier: number
  loadingEarlier: boolean
  onLoadEarlier: () => void
}

/** Within this many pixels of the bottom the transcript follows new lines. */
const FOLLOW_SLACK_PX = 48

/** One line as a chat bubble. Text only: whatever the customer typed is shown, never interpreted. */
const Bubble = React.memo(function Bubble({ line, customerName }: { line: Line; customerName: string | null }) {
  const [showRationale, setShowRationale] = useState(false)
  const assistant = line.username === 'assistant'
  return (
    <li className={`billie-line billie-line--${line.username}`} data-line-id={line.id} data-seq={line.seq ?? undefined}>
      <div className="billie-line__bubble">
        <div className="billie-line__head">
          <span className="billie-line__who">{assistant ? 'Billie' : customerName || 'Customer'}</span>
          <span className="billie-line__time">
            <LocalTime format="time" iso={line.timestamp} />
          </span>
        </div>
        <p className="billie-line__text">{line.utterance ?? ''}</p>
        {assistant && line.rationale && (
          <>
            <button
              aria-expanded={showRationale}
              className="billie-line__why"
              onClick={() => setShowRationale((shown) => !shown)}
              type="button"
            >
              {showRationale ? 'Hide rationale' : 'Why? Show rationale'}
            </button>
            {showRationale && <p className="billie-line__rationale">{line.rationale}</p>}
          </>
        )}
        {(line.answerInputType || line.endConversation) && (
          <div className="billie-line__notes">
            {line.answerInputType && <span>expects: {line.answerInputType}</span>}
            {line.endConversation && <span>ended the conversation</span>}
          </div>
        )}
      </div>
    </li>
  )
})

/**
 * The transcript: follows the latest line unless the reader has scrolled up (then a "jump to
 * latest" button counts what arrived), and keeps the reader's place when earlier lines are
 * loaded above. Only loaded pages are in the DOM and bubbles are memoised, so a new line costs
 * one bubble's render even in a 2,000-line chat.
 */
export function Transcript({ lines, customerName, hasEarlier, earlier, loadingEarlier, onLoadEarlier }: Props) {
  const scroller = useRef<HTMLDivElement>(null)
  const following = useRef(true)
  const [isFollowing, setIsFollowing] = useState(true)
  const [unseen, setUnseen] = useState(0)
  const previous = useRef<{ first?: RecordId; last?: RecordId } | null>(null)
  /** Where the first line sat (relative to the scroller's top) just before earlier lines were added. */
  const anchor = useRef<{ id: RecordId; top: number } | null>(null)

  const topOf = (el: HTMLElement, id: RecordId) => {
    const node = el.querySelector<HTMLElement>(`[data-line-id="${CSS.escape(String(id))}"]`)
    return node ? node.getBoundingClientRect().top - el.getBoundingClientRect().top : undefined
  }

  const loadEarlier = () => {
    const el = scroller.current
    const first = lines[0]
    if (el && first) {
      const top = topOf(el, first.id)
      anchor.current = top === undefined ? null : { id: first.id, top }
    }
    onLoadEarlier()
  }

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const first = lines[0]?.id
    const last = lines[lines.length - 1]?.id
    const before = previous.current
    previous.current = { first, last }
    if (!before) {
      el.scrollTop = el.scrollHeight
      return
    }
    if (anchor.current && before.first !== first) {
      // Earlier lines went in above: put the reader's line back where it was.
      const top = topOf(el, anchor.current.id)
      if (top !== undefined) el.scrollTop += top - anchor.current.top
      anchor.current = null
    }
    if (before.last !== last) {
      if (following.current) el.scrollTop = el.scrollHeight
      else {
        const from = lines.findIndex((line) => line.id === before.last)
        setUnseen((count) => count + (from === -1 ? 1 : lines.length - 1 - from))
      }
    }
  }, [lines])

  const onScroll = useCallback(() => {
    const el = scroller.current
    if (!el) return
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK_PX
    following.current = atBottom
    setIsFollowing(atBottom)
    if (atBottom) setUnseen(0)
  }, [])

  const jumpToLatest = () => {
    const el = scroller.current
    if (!el) return
    following.current = true
    el.scrollTop = el.scrollHeight
    setIsFollowing(true)
    setUnseen(0)
  }

  return (
    <div className="billie-transcript">
      <div
        aria-label="Transcript"
        className="billie-transcript__scroller"
        onScroll={onScroll}
        ref={scroller}
        role="log"
        tabIndex={0}
      >
        <div className="billie-transcript__earlier">
          {hasEarlier ? (
            <button className="billie-link-button" disabled={loadingEarlier} onClick={loadEarlier} type="button">
              {loadingEarlier ? 'Loading…' : `Load earlier messages (${formatNumber(earlier)} more)`}
            </button>
          ) : (
            <span>{lines.length ? 'Start of the conversation' : 'No messages yet'}</span>
          )}
        </div>
        <ol className="billie-transcript__lines">
          {lines.map((line) => (
            <Bubble customerName={customerName} key={line.id} line={line} />
          ))}
        </ol>
      </div>
      {!isFollowing && (
        <button className="billie-new-pill billie-transcript__jump" onClick={jumpToLatest} type="button">
          ↓ Jump to latest{unseen > 0 ? ` (${unseen} new)` : ''}
        </button>
      )}
    </div>
  )
}
