import type { ChatEvent } from '@/events/types'

import { type ApplicationState, evolveApplication } from './dashboard/application'
import { type ConversationState, evolveConversation } from './dashboard/conversation'
import { type CustomerState, evolveCustomer } from './dashboard/customer'
import { touches } from './dashboard/touches'
import { firstCopy, toUtterance, type Utterance } from './dashboard/utterance'

/** Every projected record, by business key (utterances by their line key). */
export type Projections = {
  conversations: Map<string, ConversationState>
  applications: Map<string, ApplicationState>
  customers: Map<string, CustomerState>
  utterances: Map<string, Utterance>
}

function evolveIn<State>(
  records: Map<string, State>,
  key: string | undefined,
  event: ChatEvent,
  evolve: (state: State | undefined, event: ChatEvent) => State | undefined,
): void {
  if (key === undefined) return
  const next = evolve(records.get(key), event)
  if (next !== undefined) records.set(key, next)
}

/**
 * The in-memory oracle: every event folded once through the same evolve functions the worker
 * uses. Given in stream order it is the truth the database must match; since the evolve
 * functions ignore order and repeats, any order with any repeats gives the same result.
 */
export function foldAll(events: Iterable<ChatEvent>): Projections {
  const projections: Projections = {
    conversations: new Map(),
    applications: new Map(),
    customers: new Map(),
    utterances: new Map(),
  }
  for (const event of events) {
    const touched = touches(event)
    evolveIn(projections.conversations, touched.conversation, event, evolveConversation)
    evolveIn(projections.applications, touched.application, event, evolveApplication)
    evolveIn(projections.customers, touched.customer, event, evolveCustomer)
    const line = toUtterance(event)
    if (line) projections.utterances.set(line.key, firstCopy(projections.utterances.get(line.key), line))
  }
  return projections
}
