import type { CollectionConfig } from 'payload'

import { isStaff } from '@/access/isStaff'
import { ownerOnly } from '@/access/ownerOnly'
import { ownOrShared } from '@/access/ownOrShared'
import { CONVERSATION_STATUSES } from '@/projections/dashboard/statuses'

import { SUPERVISOR_GROUP } from '../projected'
import { keepOwner } from './hooks/keepOwner'

/**
 * The live board's filters saved by name, for oneself or shared with everyone; opened from the
 * board's Views menu or a link (`/admin?view=<id>`). People's own data: never projected, never
 * touched by a rebuild.
 *
 * Not Payload's query presets: a preset stores a list view's `where`, columns and sort, and
 * applies to that collection's list view; the board's filters are not a stored `where`
 * ("needs attention" is computed against the clock when the board reads, and the review state
 * comes from another collection), and they open the board, not the list view.
 */
export const SavedViews: CollectionConfig = {
  slug: 'saved-views',
  labels: { singular: 'Saved view', plural: 'Saved views' },
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'shared', 'owner', 'updatedAt'],
    group: SUPERVISOR_GROUP,
    description: 'Live board filters saved by name. Shared views are visible to every supervisor.',
  },
  access: { create: isStaff, read: ownOrShared, update: ownerOnly, delete: ownerOnly },
  hooks: { beforeChange: [keepOwner] },
  fields: [
    { name: 'name', type: 'text', required: true, maxLength: 80 },
    {
      name: 'shared',
      type: 'checkbox',
      defaultValue: false,
      index: true,
      admin: { description: 'Visible to every supervisor (only you can change it).' },
    },
    {
      name: 'owner',
      type: 'relationship',
      relationTo: 'users',
      index: true,
      admin: { readOnly: true, position: 'sidebar', description: 'Whoever saved it.' },
    },
    {
      name: 'filters',
      type: 'group',
      fields: [
        { name: 'q', label: 'Search', type: 'text', maxLength: 100 },
        {
          name: 'status',
          type: 'select',
          options: CONVERSATION_STATUSES.map(({ value, label }) => ({ value, label })),
        },
        { name: 'attention', label: 'Needs attention only', type: 'checkbox', defaultValue: false },
        { name: 'review', label: 'Review state', type: 'text', maxLength: 40 },
      ],
    },
  ],
}
