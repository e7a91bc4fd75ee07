import type { CollectionConfig } from 'payload'

import { projectedAccess, projectionFields, SUPERVISOR_GROUP } from './projected'

const money = { step: 0.01 }

export const Applications: CollectionConfig = {
  slug: 'applications',
  admin: {
    useAsTitle: 'applicationNumber',
    defaultColumns: ['applicationNumber', 'customer', 'loanAmount', 'applicationOutcome', 'updatedAt'],
    listSearchableFields: ['applicationNumber'],
    group: SUPERVISOR_GROUP,
  },
  access: projectedAccess,
  fields: [
    { name: 'applicationNumber', type: 'text', required: true, unique: true },
    { name: 'customer', type: 'relationship', relationTo: 'customers', index: true },
    {
      type: 'row',
      fields: [
        { name: 'loanAmount', type: 'number', admin: money },
        { name: 'loanFee', type: 'number', admin: { ...money, description: '5% of the amount unless the snapshot says otherwise' } },
        { name: 'loanTotalPayable', type: 'number', admin: { ...money, description: 'Amount + fee' } },
      ],
    },
    {
      type: 'row',
      fields: [
        { name: 'loanTerm', type: 'number' },
        { name: 'loanPurpose', type: 'text' },
      ],
    },
    { name: 'customerAttestationAcceptance', type: 'checkbox' },
    { name: 'statementCaptureConsentProvided', type: 'checkbox' },
    { name: 'statementCaptureCompleted', type: 'checkbox' },
    { name: 'productOfferAcceptance', type: 'checkbox' },
    {
      name: 'applicationOutcome',
      type: 'select',
      index: true,
      defaultValue: 'pending',
      options: [
        { label: 'Pending', value: 'pending' },
        { label: 'Approved', value: 'approved' },
        { label: 'Declined', value: 'declined' },
        { label: 'Withdrawn', value: 'withdrawn' },
      ],
      admin: { position: 'sidebar' },
    },
    {
      name: 'applicationProcess',
      type: 'group',
      fields: [
        {
          type: 'row',
          fields: [
            { name: 'currentProcessStage', type: 'text' },
            { name: 'currentProcessStep', type: 'text' },
          ],
        },
        {
          type: 'row',
          fields: [
            { name: 'startedAt', type: 'date' },
            { name: 'updatedAt', type: 'date' },
          ],
        },
        {
          name: 'applicationProcessState',
          type: 'array',
          dbName: 'app_process_stages',
          label: 'Process stages',
          fields: [
            { name: 'stageName', type: 'text', required: true },
            { name: 'complete', type: 'checkbox', defaultValue: false },
            { name: 'prompt', type: 'textarea' },
            {
              name: 'steps',
              type: 'array',
              dbName: 'app_process_steps',
              fields: [
                { name: 'stepName', type: 'text', required: true },
                { name: 'description', type: 'textarea' },
                { name: 'complete', type: 'checkbox', defaultValue: false },
                {
                  name: 'type',
                  type: 'select',
                  defaultValue: 'llm',
                  options: [
                    { label: 'LLM', value: 'llm' },
                    { label: 'Business logic', value: 'business_logic' },
                    { label: 'User input', value: 'user_input' },
                  ],
                },
                { name: 'completionEventName', type: 'text' },
                { name: 'answerInputType', type: 'text' },
                {
                  name: 'prompts',
                  type: 'group',
                  fields: [
                    { name: 'main', type: 'textarea' },
                    { name: 'completenessCheck', type: 'textarea' },
                    { name: 'confirmation', type: 'textarea' },
                    { name: 'outputJson', type: 'textarea' },
                    { name: 'mappingOut', type: 'json' },
                  ],
                },
                {
                  name: 'businessLogic',
                  type: 'group',
                  fields: [
                    { name: 'moduleName', type: 'text' },
                    { name: 'methodName', type: 'text' },
                    { name: 'mappingIn', type: 'json' },
                    { name: 'mappingOut', type: 'json' },
                  ],
                },
              ],
            },
          ],
        },
        {
          name: 'conversation',
          type: 'array',
          label: 'Process conversation log',
          fields: [
            {
              name: 'role',
              type: 'select',
              options: [
                { label: 'User', value: 'user' },
                { label: 'Assistant', value: 'assistant' },
                { label: 'System', value: 'system' },
              ],
            },
            { name: 'content', type: 'textarea' },
            { name: 'timestamp', type: 'date' },
          ],
        },
      ],
    },
    {
      name: 'assessments',
      type: 'group',
      admin: { description: 'Risk and serviceability assessments, as the assessing agents sent them.' },
      fields: [
        { name: 'identityRisk', type: 'json' },
        { name: 'serviceability', type: 'json' },
        { name: 'fraudCheck', type: 'json' },
      ],
    },
    {
      name: 'noticeboard',
      type: 'array',
      admin: { description: "One note per agent; a note's earlier contents are in its versions." },
      fields: [
        { name: 'agentName', type: 'text', required: true },
        { name: 'content', type: 'textarea', required: true },
        { name: 'timestamp', type: 'date', required: true },
        {
          name: 'versions',
          type: 'array',
          fields: [
            { name: 'content', type: 'textarea' },
            { name: 'timestamp', type: 'date' },
          ],
        },
      ],
    },
    { name: 'conversations', type: 'join', collection: 'conversations', on: 'application', defaultSort: '-startedAt' },
    ...projectionFields,
  ],
}
