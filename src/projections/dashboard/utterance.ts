import { compareEntryIds, type EntryId } from '@/events/entryId'
import type { ChatEvent, Json, Speaker } from '@/events/types'

import { isUtteranceEvent, speakerOf, utteranceKey } from './keys'

/** One transcript line, as the `utterances` collection stores it (the worker links `conversation`). */
export type Utterance = {
  key: string
  eventId: EntryId
  conversationId: string
  seq: number | null
  username: Speaker
  utterance: string
  rationale: string | null
  timestamp: string
  answerInputType: string | null
  prevSeq: number | null
  endConversation: boolean
  additionalData: Json | null
}

/** The transcript line an event adds, if it is a user_input or assistant_response. */
export function toUtterance(event: ChatEvent): Utterance | undefined {
  if (!isUtteranceEvent(event)) return undefined
  const { data } = event
  return {
    key: utteranceKey(event),
    eventId: event.entryId,
    conversationId: event.conversationId,
    seq: event.seq ?? null,
    username: speakerOf(event),
    utterance: data.utterance,
    rationale: data.rationale,
    timestamp: event.timestamp,
    answerInputType: data.answerInputType,
    prevSeq: data.prevSeq,
    endConversation: data.endConversation,
    additionalData: data.additionalData,
  }
}

/** Of two copies of one line (a producer's retry), the one shown: the earlier entry. */
export const firstCopy = (kept: Utterance | undefined, line: Utterance): Utterance =>
  kept !== undefined && compareEntryIds(kept.eventId, line.eventId) <= 0 ? kept : line

/** A line is written once: its first copy (a producer's retry shows once, as the earlier entry). */
export function evolveLine(kept: Utterance | undefined, event: ChatEvent): Utterance | undefined {
  const line = toUtterance(event)
  return line === undefined ? kept : firstCopy(kept, line)
}
