import type { CollectionConfig } from 'payload'

import { CONVERSATION_STATUSES } from '@/projections/dashboard/statuses'
import { publishChange } from '@/realtime/hooks/publishChange'
import { publishDeletion } from '@/realtime/hooks/publishDeletion'

import { deriveColumns } from './hooks/deriveColumns'

import { projectedAccess, projectionFields, SUPERVISOR_GROUP } from '../projected'

export const Conversations: CollectionConfig = {
  slug: 'conversations',
  admin: {
    useAsTitle: 'conversationId',
    defaultColumns: ['customerName', 'applicationNumber', 'status', 'messageCount', 'lastActivityAt'],
    listSearchableFields: ['customerName', 'applicationNumber', 'conversationId'],
    group: SUPERVISOR_GROUP,
  },
  access: projectedAccess,
  hooks: {
    beforeChange: [deriveColumns],
    afterChange: [publishChange],
    afterDelete: [publishDeletion],
  },
  defaultSort: '-lastActivityAt',
  // The Live board's keyset: newest activity first, the conversation id breaking ties. The
  // attention rules' time-based queries: a status's conversations idle since before a cutoff.
  // Analytics: decisions over time, declines by risk band, decisions in order of their duration.
  indexes: [
    { fields: ['lastActivityAt', 'conversationId'] },
    { fields: ['status', 'lastActivityAt'] },
    { fields: ['finalDecision', 'decidedAt'] },
    { fields: ['finalDecision', 'identityRiskBand', 'decidedAt'] },
    { fields: ['msToDecision', 'decidedAt'] },
  ],
  fields: [
    { name: 'conversationId', type: 'text', required: true, unique: true },
    { name: 'applicationNumber', type: 'text', index: true },
    {
      type: 'row',
      fields: [
        { name: 'customer', type: 'relationship', relationTo: 'customers', index: true },
        { name: 'application', type: 'relationship', relationTo: 'applications', index: true },
      ],
    },
    {
      name: 'customerName',
      type: 'text',
      index: true,
      admin: { description: 'Copied from the customer for search and cards.' },
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'active',
      index: true,
      options: CONVERSATION_STATUSES.map(({ value, label }) => ({ value, label })),
      admin: { position: 'sidebar' },
    },
    {
      name: 'startedAt',
      type: 'date',
      index: true,
      admin: { position: 'sidebar', date: { pickerAppearance: 'dayAndTime' } },
    },
    {
      name: 'lastUtteranceAt',
      type: 'date',
      index: true,
      admin: { position: 'sidebar', date: { pickerAppearance: 'dayAndTime' } },
    },
    {
      name: 'lastActivityAt',
      label: 'Last activity',
      type: 'date',
      admin: {
        position: 'sidebar',
        readOnly: true,
        description: 'The last message, or the start while there is none: the order of the Live board.',
        date: { pickerAppearance: 'dayAndTime' },
      },
    },
    { name: 'messageCount', type: 'number', defaultValue: 0, admin: { position: 'sidebar' } },
    {
      name: 'finalDecision',
      type: 'select',
      options: [
        { label: 'Approved', value: 'approved' },
        { label: 'Declined', value: 'declined' },
      ],
      index: true,
      admin: { position: 'sidebar' },
    },
    {
      name: 'decidedAt',
      label: 'Decided',
      type: 'date',
      index: true,
      admin: {
        position: 'sidebar',
        description: 'When the final decision was made.',
        date: { pickerAppearance: 'dayAndTime' },
      },
    },
    {
      // From the start to the final decision, in milliseconds: the analytics view's median.
      name: 'msToDecision',
      type: 'number',
      admin: { hidden: true },
    },
    {
      // What the "needs attention" rules read, as the events left it (the projection derives them;
      // the thresholds and the clock are applied by the query, so changing a threshold needs no rebuild).
      type: 'collapsible',
      label: 'Attention signals',
      admin: { initCollapsed: true },
      fields: [
        {
          type: 'row',
          fields: [
            {
              name: 'identityRiskScore',
              type: 'number',
              index: true,
              admin: { description: 'From the identity check.' },
            },
            { name: 'identityRiskBand', type: 'text', index: true },
            {
              name: 'fraudResult',
              type: 'select',
              index: true,
              options: [
                { label: 'Pass', value: 'PASS' },
                { label: 'Review', value: 'REVIEW' },
                { label: 'Fail', value: 'FAIL' },
              ],
            },
            { name: 'serviceable', type: 'checkbox', index: true, admin: { description: 'From serviceability.' } },
          ],
        },
        {
          type: 'row',
          fields: [
            { name: 'currentStep', type: 'text', admin: { description: "The application's process step." } },
            { name: 'stepSince', type: 'date', index: true, admin: { description: 'When that step became current.' } },
            {
              name: 'waitingOn',
              type: 'select',
              options: [
                { label: 'Customer', value: 'customer' },
                { label: 'Assistant', value: 'assistant' },
              ],
              admin: { description: 'Who is to speak next: the other side spoke last.' },
            },
            {
              name: 'questionRepeats',
              type: 'number',
              index: true,
              defaultValue: 0,
              admin: { description: 'How often the assistant has asked its most repeated question.' },
            },
          ],
        },
      ],
    },
    { name: 'purpose', type: 'text', admin: { description: 'From the conversation summary.' } },
    { name: 'facts', type: 'array', fields: [{ name: 'fact', type: 'text' }] },
    {
      name: 'utterances',
      type: 'join',
      collection: 'utterances',
      on: 'conversation',
      defaultSort: 'timestamp',
      defaultLimit: 50,
      admin: { allowCreate: false, defaultColumns: ['timestamp', 'username', 'utterance'] },
    },
    ...projectionFields,
  ],
}
