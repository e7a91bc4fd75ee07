import type { CollectionConfig } from 'payload'

import { authorOnly } from '@/access/authorOnly'
import { isStaff } from '@/access/isStaff'
import { publishChange } from '@/realtime/hooks/publishChange'
import { publishDeletion } from '@/realtime/hooks/publishDeletion'

import { showCurrentNames } from '../staffNames'
import { stampAuthor } from './hooks/stampAuthor'

/**
 * Supervisors' notes on a conversation: a thread, oldest first. People's own data, keyed by the
 * conversation's business key and never projected. Only a note's author edits or deletes it;
 * versions keep every earlier wording.
 */
export const Notes: CollectionConfig = {
  slug: 'notes',
  admin: {
    useAsTitle: 'conversationId',
    defaultColumns: ['conversationId', 'authorName', 'body', 'createdAt'],
    group: 'Reviews',
  },
  access: { read: isStaff, create: isStaff, update: authorOnly, delete: authorOnly },
  versions: true,
  hooks: {
    beforeChange: [stampAuthor],
    afterRead: [showCurrentNames({ author: 'authorName' })],
    afterChange: [publishChange],
    afterDelete: [publishDeletion],
  },
  defaultSort: 'createdAt',
  indexes: [{ fields: ['conversationId', 'createdAt'] }],
  fields: [
    { name: 'conversationId', type: 'text', required: true, index: true },
    { name: 'body', type: 'textarea', required: true, maxLength: 5000 },
    { name: 'author', type: 'relationship', relationTo: 'users', maxDepth: 0, index: true, admin: { readOnly: true } },
    { name: 'authorName', type: 'text', admin: { readOnly: true } },
  ],
}
