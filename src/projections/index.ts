/** The pure projection core: events in, record states out. No I/O, no clock. */
export {
  type ApplicationBookkeeping,
  type ApplicationProcess,
  type ApplicationState,
  type Assessments,
  evolveApplication,
} from './dashboard/application'
export { changed, changedFields, isDeepEqual } from './changed'
export { type ConversationBookkeeping, type ConversationState, evolveConversation } from './dashboard/conversation'
export { type AddressGroup, type CustomerBookkeeping, type CustomerState, evolveCustomer } from './dashboard/customer'
export { foldAll, type Projections } from './foldAll'
export { composeFullName } from './dashboard/fullName'
export type { Note, Noticeboard, NoteVersion } from './dashboard/noticeboard'
export type { SeenLines } from './seenLines'
export { touches, type Touched, utteranceKey } from './dashboard/touches'
export { firstCopy, toUtterance, type Utterance } from './dashboard/utterance'
export { CONVERSATION_STATUSES, type ConversationStatus, isConversationStatus, statusLabel } from './dashboard/statuses'
