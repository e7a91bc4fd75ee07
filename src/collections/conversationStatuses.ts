import type { Conversation } from '@/payload-types'

/**
 * A conversation's statuses with their labels: the collection's options and the live board's
 * filter and badges. Imports nothing at run time, so client components may use it.
 */
export const CONVERSATION_STATUSES: Array<{ label: string; value: Conversation['status'] }> = [
  { label: 'Active', value: 'active' },
  { label: 'Paused', value: 'paused' },
  { label: 'Soft end', value: 'soft_end' },
  { label: 'Hard end', value: 'hard_end' },
  { label: 'Approved', value: 'approved' },
  { label: 'Declined', value: 'declined' },
]
