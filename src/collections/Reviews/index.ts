import type { CollectionConfig } from 'payload'

import { isAdmin } from '@/access/isAdmin'
import { isStaff } from '@/access/isStaff'
import { reviewerOrAdmin } from '@/access/reviewerOrAdmin'
import { publishChange } from '@/realtime/hooks/publishChange'
import { publishDeletion } from '@/realtime/hooks/publishDeletion'

import { showCurrentNames } from '../staffNames'
import { assigneesEndpoint } from './assignees'
import { stampReview } from './hooks/stampReview'

export const REVIEW_STATUSES = [
  { label: 'Open', value: 'open' },
  { label: 'Resolved', value: 'resolved' },
] as const

const byHook = { readOnly: true, position: 'sidebar' } as const

/**
 * A supervisor's flag on a conversation: why, who looks at it, and when it was resolved. People's
 * own data, not projected: keyed by the conversation's business key (text), so a rebuild that
 * deletes and recreates projected records never touches it. Versions are its history.
 */
export const Reviews: CollectionConfig = {
  slug: 'reviews',
  admin: {
    useAsTitle: 'conversationId',
    defaultColumns: ['conversationId', 'status', 'assigneeName', 'flaggedByName', 'updatedAt'],
    group: 'Reviews',
    description: 'Conversations flagged for a second look. Flag, assign and resolve them from the conversation.',
  },
  access: {
    read: isStaff,
    create: isStaff,
    update: reviewerOrAdmin,
    // History stays: resolve instead of deleting.
    delete: isAdmin,
  },
  versions: true,
  hooks: {
    beforeChange: [stampReview],
    afterRead: [
      showCurrentNames({ flaggedBy: 'flaggedByName', assignee: 'assigneeName', resolvedBy: 'resolvedByName' }),
    ],
    afterChange: [publishChange],
    afterDelete: [publishDeletion],
  },
  endpoints: [assigneesEndpoint],
  defaultSort: '-updatedAt',
  indexes: [{ fields: ['status', 'updatedAt'] }],
  fields: [
    { name: 'conversationId', type: 'text', required: true, index: true },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'open',
      index: true,
      options: REVIEW_STATUSES.map(({ label, value }) => ({ label, value })),
    },
    { name: 'reason', type: 'textarea', required: true, maxLength: 2000 },
    {
      name: 'assignee',
      type: 'relationship',
      relationTo: 'users',
      maxDepth: 0,
      index: true,
      admin: { description: 'The supervisor looking at it; empty while unassigned.' },
    },
    { name: 'assigneeName', type: 'text', admin: byHook },
    { name: 'flaggedBy', type: 'relationship', relationTo: 'users', maxDepth: 0, index: true, admin: byHook },
    { name: 'flaggedByName', type: 'text', admin: byHook },
    { name: 'resolvedBy', type: 'relationship', relationTo: 'users', maxDepth: 0, admin: byHook },
    { name: 'resolvedByName', type: 'text', admin: byHook },
    { name: 'resolvedAt', type: 'date', admin: { ...byHook, date: { pickerAppearance: 'dayAndTime' } } },
  ],
}
