/** The pure projection core: events in, record states out. No I/O, no clock. */
export {
  type ApplicationBookkeeping,
  type ApplicationProcess,
  type ApplicationState,
  type Assessments,
  evolveApplication,
} from './application'
export { changed, changedFields, isDeepEqual } from './changed'
export {
  type ConversationBookkeeping,
  type ConversationState,
  type ConversationStatus,
  evolveConversation,
} from './conversation'
export { type AddressGroup, type CustomerBookkeeping, type CustomerState, evolveCustomer } from './customer'
export { foldAll, type Projections } from './foldAll'
export { composeFullName } from './fullName'
export type { Note, Noticeboard, NoteVersion } from './noticeboard'
export type { SeenLines } from './seenLines'
export { touches, type Touched, utteranceKey } from './touches'
export { firstCopy, toUtterance, type Utterance } from './utterance'
