'use client'
import { useState } from 'react'

import type { Finder } from '@/board/finder'
import type { Line, RecordId } from '@/board/types'
import type { UtteranceLine } from '@/projections/changes'

import { useLatest } from '../shared/hooks'
import { earliestOf, type LinePage, linesBefore, linesSince } from './loadConversation'

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

export type Transcript = {
  lines: Line[]
  /** Whether lines before the first shown exist, how many, and whether they are being read. */
  earlier: { hasEarlier: boolean; count: number; loading: boolean }
  loadEarlier: () => void
  /** A line the feed announced. */
  add: (line: UtteranceLine) => void
  /** Reads what the feed may have missed (after a reconnect, or while polling). */
  catchUp: () => void
}

/**
 * A conversation's transcript as the view shows it: the latest page first, earlier pages on
 * request, new lines from the feed, and a catch-up read when the feed may have missed some.
 */
export function useTranscript(
  finder: Finder,
  conversation: RecordId,
  initial: LinePage,
  fail: (what: string) => (cause: unknown) => void,
): Transcript {
  const [lines, setLines] = useState(initial.lines)
  const [earlier, setEarlier] = useState({ hasEarlier: initial.hasEarlier, count: initial.earlier, loading: false })
  const linesRef = useLatest(lines)

  const showPage = (page: LinePage, merge: boolean) => {
    setLines((existing) => (merge ? mergeLines(existing, page.lines) : page.lines))
    setEarlier({ hasEarlier: page.hasEarlier, count: page.earlier, loading: false })
  }

  const loadEarlier = () => {
    setEarlier((state) => ({ ...state, loading: true }))
    linesBefore(finder, conversation, earliestOf(lines))
      .then((page) => showPage(page, true))
      .catch((cause: unknown) => {
        setEarlier((state) => ({ ...state, loading: false }))
        fail('Loading earlier messages failed')(cause)
      })
  }

  const catchUp = () => {
    const shown = linesRef.current
    const read = async () => {
      const since = await linesSince(finder, conversation, shown[shown.length - 1]?.timestamp ?? null)
      if (since.complete) return setLines((existing) => mergeLines(existing, since.lines))
      // Missed more than one read brings (a long outage): start again from the latest page.
      showPage(await linesBefore(finder, conversation), false)
    }
    read().catch(fail('Catching up on the transcript failed'))
  }

  const add = (line: UtteranceLine) => setLines((existing) => mergeLines(existing, [lineOf(line)]))

  return { lines, earlier, loadEarlier, add, catchUp }
}
