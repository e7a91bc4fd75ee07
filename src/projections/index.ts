/**
 * The pure projection core: events in, record states out. No I/O, no clock. Each projection is
 * declared once (define.ts); PROJECTIONS lists them for the worker, the oracle, the change feed
 * and rebuilds.
 */
import type { ChatEvent } from '@/events/types'

import { dashboard } from './dashboard'
import { fold, type Folded, type Projection } from './define'
import { portal } from './portal'

export const PROJECTIONS = { dashboard, portal } as const satisfies Record<string, Projection>

export type ProjectionName = keyof typeof PROJECTIONS
export const PROJECTION_NAMES = Object.keys(PROJECTIONS) as ProjectionName[]

/** Whether `value` names a projection: PROJECTIONS' own keys only, never what every object inherits (`constructor`). */
export const isProjectionName = (value: string): value is ProjectionName => Object.hasOwn(PROJECTIONS, value)

/** The dashboard's records, folded in memory: the oracle the tests compare the database with. */
export type Projections = Folded<typeof dashboard>
export const foldAll = (events: Iterable<ChatEvent>): Projections => fold(dashboard, events)

export { type AppliedEvents, MARKED_SEQS, retryKeyOf } from './appliedEvents'
export { changed, changedFields, isDeepEqual } from './changed'
export {
  type ApplicationBookkeeping,
  type ApplicationProcess,
  type ApplicationState,
  type Assessments,
  evolveApplication,
} from './dashboard/application'
export {
  type ConversationBookkeeping,
  type ConversationState,
  evolveConversation,
  lastActivityOf,
} from './dashboard/conversation'
export { type AddressGroup, type CustomerBookkeeping, type CustomerState, evolveCustomer } from './dashboard/customer'
export { composeFullName } from './dashboard/fullName'
export { lineKeyOf, utteranceKey } from './dashboard/keys'
export type { Note, Noticeboard, NoteVersion } from './dashboard/noticeboard'
export { CONVERSATION_STATUSES, type ConversationStatus, isConversationStatus, statusLabel } from './dashboard/statuses'
export { evolveLine, firstCopy, toUtterance, type Utterance } from './dashboard/utterance'
export { dashboard, fold, type Folded, portal, type Projection }
