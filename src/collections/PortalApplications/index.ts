import type { CollectionConfig, JSONField } from 'payload'

import { OUTSTANDING_ITEMS } from '@/projections/portal/application'
import { PORTAL_STATUSES } from '@/projections/portal/status'

import { answerField, portalAccess, PORTAL_GROUP } from '../portalRecords'
import { projectionFields } from '../projected'

type JSONSchema4 = NonNullable<JSONField['jsonSchema']>['schema']

const documentSchema: JSONSchema4 = {
  type: 'object',
  additionalProperties: false,
  required: ['documentType', 'documentSubtype', 'maskedNumber', 'expiryDate', 'state'],
  properties: {
    documentType: { type: 'string', enum: ['DRIVERS_LICENCE', 'PASSPORT', 'MEDICARE'] },
    documentSubtype: { type: ['string', 'null'] },
    maskedNumber: { type: 'string' },
    expiryDate: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['received', 'verified', 'rejected', 'expired'] },
  },
}
const documentsSchema: JSONSchema4 = { type: 'array', items: documentSchema }
const outstandingSchema: JSONSchema4 = { type: 'array', items: { type: 'string', enum: [...OUTSTANDING_ITEMS] } }

const options = (values: readonly string[]) => values.map((value) => ({ label: value.replace(/_/g, ' '), value }))

/** One flat record per application, as the customer portal shows it (src/projections/portal). */
export const PortalApplications: CollectionConfig = {
  slug: 'portal-applications',
  labels: { singular: 'Portal application', plural: 'Portal applications' },
  admin: {
    useAsTitle: 'applicationNumber',
    defaultColumns: ['applicationNumber', 'customerId', 'status', 'progressPercentage', 'lastUpdateAt'],
    group: PORTAL_GROUP,
  },
  access: portalAccess,
  // The portal's list: a customer's applications, newest activity first, by keyset.
  indexes: [{ fields: ['customerId', 'lastUpdateAt', 'applicationNumber'] }],
  fields: [
    { name: 'applicationNumber', type: 'text', required: true, unique: true },
    { name: 'customerId', type: 'text', index: true },
    { name: 'status', type: 'select', required: true, options: options(PORTAL_STATUSES) },
    { name: 'currentStage', type: 'text' },
    { name: 'currentStep', type: 'text' },
    { name: 'progressPercentage', type: 'number', required: true },
    { name: 'loanPurpose', type: 'text' },
    { name: 'loanAmount', type: 'number' },
    { name: 'loanFee', type: 'number' },
    { name: 'loanTotalPayable', type: 'number' },
    { name: 'loanTerm', type: 'number' },
    { name: 'customerName', type: 'text', required: true },
    { name: 'customerEmail', type: 'text' },
    {
      name: 'documents',
      type: 'json',
      required: true,
      typescriptSchema: [() => documentsSchema],
      jsonSchema: { uri: 'billie://portal-documents.json', fileMatch: ['*'], schema: documentsSchema },
    },
    {
      name: 'outstanding',
      type: 'json',
      required: true,
      typescriptSchema: [() => outstandingSchema],
      jsonSchema: { uri: 'billie://portal-outstanding.json', fileMatch: ['*'], schema: outstandingSchema },
    },
    { name: 'hasOutstanding', type: 'checkbox', required: true },
    { name: 'submittedAt', type: 'date' },
    { name: 'decidedAt', type: 'date' },
    { name: 'lastUpdateAt', type: 'date' },
    { name: 'position', type: 'text', admin: { description: 'The chatLedger entry the record reflects.' } },
    answerField,
    // What the customer-facing fields are derived from (not part of any portal answer).
    {
      type: 'collapsible',
      label: 'Derived from',
      admin: { initCollapsed: true },
      fields: [
        {
          name: 'outcome',
          type: 'select',
          required: true,
          options: options(['pending', 'approved', 'declined', 'withdrawn']),
        },
        { name: 'firstName', type: 'text' },
        { name: 'middleName', type: 'text' },
        { name: 'lastName', type: 'text' },
        { name: 'preferredName', type: 'text' },
        { name: 'ekycStatus', type: 'select', options: options(['successful', 'failed', 'pending']) },
        { name: 'statementCaptureCompleted', type: 'checkbox' },
        { name: 'identityDocuments', type: 'json', required: true },
      ],
    },
    ...projectionFields,
  ],
}
