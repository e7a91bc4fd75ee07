/**
 * A conversation's statuses, with the labels people read: the one list behind the projection's
 * type, the collection's options, and the live board's filter and badges. Imports nothing, so
 * client components may use it.
 */
export const CONVERSATION_STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'paused', label: 'Paused' },
  { value: 'soft_end', label: 'Soft end' },
  { value: 'hard_end', label: 'Hard end' },
  { value: 'approved', label: 'Approved' },
  { value: 'declined', label: 'Declined' },
] as const

export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number]['value']

export const isConversationStatus = (value: unknown): value is ConversationStatus =>
  CONVERSATION_STATUSES.some((status) => status.value === value)

export const statusLabel = (status: ConversationStatus): string =>
  CONVERSATION_STATUSES.find((item) => item.value === status)!.label
