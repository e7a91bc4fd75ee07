import type { CollectionConfig } from 'payload'

import { publishChange } from '@/realtime/hooks/publishChange'
import { publishDeletion } from '@/realtime/hooks/publishDeletion'

import { projectedAccess, SUPERVISOR_GROUP } from '../projected'

/**
 * Transcript lines, one record each. Kept out of the conversation document because
 * appending to an array field rewrites the whole document (cost grows with the
 * transcript; a MongoDB document stops at 16 MB). Read through the conversation's
 * `utterances` join field.
 */
export const Utterances: CollectionConfig = {
  slug: 'utterances',
  admin: {
    hidden: true,
    useAsTitle: 'utterance',
    defaultColumns: ['timestamp', 'username', 'utterance'],
    group: SUPERVISOR_GROUP,
  },
  access: projectedAccess,
  hooks: {
    afterChange: [publishChange],
    afterDelete: [publishDeletion],
  },
  defaultSort: 'timestamp',
  indexes: [{ fields: ['conversation', 'timestamp'] }],
  fields: [
    { name: 'conversation', type: 'relationship', relationTo: 'conversations', required: true, index: true },
    {
      name: 'key',
      type: 'text',
      required: true,
      unique: true,
      admin: { description: 'conversation id, event type and seq: a producer retry has the same key.' },
    },
    { name: 'eventId', type: 'text', required: true, unique: true, admin: { description: 'chatLedger entry id' } },
    { name: 'seq', type: 'number' },
    {
      name: 'username',
      type: 'select',
      required: true,
      options: [
        { label: 'Customer', value: 'customer' },
        { label: 'Assistant', value: 'assistant' },
      ],
    },
    { name: 'utterance', type: 'textarea' },
    { name: 'rationale', type: 'textarea', admin: { description: "The assistant's reasoning." } },
    { name: 'timestamp', type: 'date', required: true, admin: { date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'answerInputType', type: 'text' },
    { name: 'prevSeq', type: 'number' },
    { name: 'endConversation', type: 'checkbox', defaultValue: false },
    { name: 'additionalData', type: 'json' },
  ],
}
