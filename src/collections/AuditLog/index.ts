import type { CollectionConfig } from 'payload'

import { isAdmin } from '@/access/isAdmin'

export const AUDIT_RESULTS = ['succeeded', 'partial', 'failed', 'cancelled'] as const
export type AuditResult = (typeof AUDIT_RESULTS)[number]

/**
 * What admins did to the running system (dead-letter retries and discards, rebuilds, …): who,
 * what, to what, when and with what result. Written only through recordAudit (src/ops/audit.ts);
 * nobody, admins included, may create, change or delete an entry through the API or the admin.
 */
export const AuditLog: CollectionConfig = {
  slug: 'audit-log',
  labels: { singular: 'Audit entry', plural: 'Audit log' },
  admin: {
    useAsTitle: 'action',
    defaultColumns: ['createdAt', 'actor', 'action', 'target', 'result'],
    group: 'Administration',
    description: 'Every operations action, as it happened. Read-only.',
  },
  access: {
    read: isAdmin,
    create: () => false,
    update: () => false,
    delete: () => false,
  },
  defaultSort: '-createdAt',
  fields: [
    {
      name: 'action',
      type: 'text',
      required: true,
      index: true,
      admin: { description: 'e.g. dead-letter.retry, dead-letter.discard, projection.rebuild' },
    },
    { name: 'target', type: 'text', index: true, admin: { description: 'What it acted on.' } },
    {
      name: 'result',
      type: 'select',
      required: true,
      options: AUDIT_RESULTS.map((value) => ({ label: value, value })),
    },
    { name: 'user', type: 'relationship', relationTo: 'users', admin: { description: 'Who, when a person did it.' } },
    {
      name: 'actor',
      type: 'text',
      required: true,
      admin: { description: 'Who, in words: the user’s email, or the command line that did it (e.g. cli:ops@host).' },
    },
    { name: 'detail', type: 'json', admin: { description: 'What exactly: counts, ids, reasons, errors.' } },
  ],
  timestamps: true,
}
