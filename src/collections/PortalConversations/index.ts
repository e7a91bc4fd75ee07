import type { CollectionConfig } from 'payload'

import { answerField, portalAccess, PORTAL_GROUP } from '../portalRecords'
import { projectionFields } from '../projected'

/** One flat summary per conversation, as the customer portal shows it (src/projections/portal). */
export const PortalConversations: CollectionConfig = {
  slug: 'portal-conversations',
  labels: { singular: 'Portal conversation', plural: 'Portal conversations' },
  admin: {
    useAsTitle: 'conversationId',
    defaultColumns: ['conversationId', 'customerId', 'status', 'messageCount', 'lastActivityAt'],
    group: PORTAL_GROUP,
  },
  access: portalAccess,
  // The portal's list: a customer's conversations, newest activity first, by keyset.
  indexes: [{ fields: ['customerId', 'lastActivityAt', 'conversationId'] }],
  fields: [
    { name: 'conversationId', type: 'text', required: true, unique: true },
    { name: 'applicationNumber', type: 'text', index: true },
    { name: 'customerId', type: 'text', index: true },
    { name: 'purpose', type: 'text' },
    {
      name: 'status',
      type: 'select',
      required: true,
      options: [
        { label: 'Active', value: 'active' },
        { label: 'Completed', value: 'completed' },
      ],
    },
    { name: 'lastMessage', type: 'textarea' },
    {
      name: 'lastMessageFrom',
      type: 'select',
      options: [
        { label: 'Customer', value: 'customer' },
        { label: 'Assistant', value: 'assistant' },
      ],
    },
    { name: 'lastMessageAt', type: 'date' },
    { name: 'messageCount', type: 'number', required: true },
    { name: 'startedAt', type: 'date' },
    { name: 'lastActivityAt', type: 'date' },
    { name: 'position', type: 'text', admin: { description: 'The chatLedger entry the record reflects.' } },
    answerField,
    ...projectionFields,
  ],
}
