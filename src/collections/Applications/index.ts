import type { CollectionConfig, JSONField } from 'payload'

import { publishChange } from '@/realtime/hooks/publishChange'
import { publishDeletion } from '@/realtime/hooks/publishDeletion'

type JSONSchema4 = NonNullable<JSONField['jsonSchema']>['schema']

import { projectedAccess, projectionFields, SUPERVISOR_GROUP } from '../projected'

const money = { step: 0.01 }

const nullableString: JSONSchema4 = { type: ['string', 'null'] }

const processStepSchema: JSONSchema4 = {
  type: 'object',
  additionalProperties: false,
  required: ['stepName', 'complete'],
  properties: {
    stepName: { type: 'string' },
    description: nullableString,
    complete: { type: 'boolean' },
    type: { type: ['string', 'null'], enum: ['llm', 'business_logic', 'user_input', null] },
    completionEventName: nullableString,
    answerInputType: nullableString,
  },
}

const processStageSchema: JSONSchema4 = {
  type: 'object',
  additionalProperties: false,
  required: ['stageName', 'complete', 'steps'],
  properties: {
    stageName: { type: 'string' },
    complete: { type: 'boolean' },
    prompt: nullableString,
    steps: { type: 'array', items: processStepSchema },
  },
}

const noteVersionsSchema: JSONSchema4 = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['content', 'timestamp'],
    properties: { content: { type: 'string' }, timestamp: { type: 'string' } },
  },
}

export const Applications: CollectionConfig = {
  slug: 'applications',
  admin: {
    useAsTitle: 'applicationNumber',
    defaultColumns: ['applicationNumber', 'customer', 'loanAmount', 'applicationOutcome', 'updatedAt'],
    listSearchableFields: ['applicationNumber'],
    group: SUPERVISOR_GROUP,
  },
  access: projectedAccess,
  hooks: {
    afterChange: [publishChange],
    afterDelete: [publishDeletion],
  },
  fields: [
    { name: 'applicationNumber', type: 'text', required: true, unique: true },
    { name: 'customer', type: 'relationship', relationTo: 'customers', index: true },
    {
      type: 'row',
      fields: [
        { name: 'loanAmount', type: 'number', admin: money },
        {
          name: 'loanFee',
          type: 'number',
          admin: { ...money, description: '5% of the amount unless the snapshot says otherwise' },
        },
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
            {
              name: 'currentStepSince',
              type: 'date',
              admin: { description: 'Since when the current step has been current.' },
            },
          ],
        },
        {
          // Stages and their steps, as the snapshot sends them. A JSON field rather than nested
          // arrays: every snapshot replaces them whole and they are only ever read whole, and
          // nested array rows cost ~13 ms per write on SQLite (4 stages, 14 steps, measured),
          // which alone would cap the worker far below peak traffic. The JSON schema keeps the
          // shape typed (payload-types) and validated.
          name: 'applicationProcessState',
          type: 'json',
          label: 'Process stages',
          typescriptSchema: [() => ({ type: 'array', items: processStageSchema })],
          jsonSchema: {
            uri: 'billie://application-process-state.json',
            fileMatch: ['*'],
            schema: { type: 'array', items: processStageSchema },
          },
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
          // Every earlier content of the note, oldest first, uncapped (DESIGN). A JSON field, not
          // an array of rows: each post rewrites the note, and as rows its whole history was
          // deleted and inserted again every time, slower with every post until one insert
          // passed SQLite's bound-variable limit (~6,500 versions) and the application's later
          // events were dead-lettered (tests/int/workerLongNoticeboard).
          name: 'versions',
          type: 'json',
          typescriptSchema: [() => noteVersionsSchema],
          jsonSchema: { uri: 'billie://noticeboard-versions.json', fileMatch: ['*'], schema: noteVersionsSchema },
          admin: { readOnly: true },
        },
      ],
    },
    {
      name: 'conversations',
      type: 'join',
      collection: 'conversations',
      on: 'application',
      defaultSort: '-startedAt',
      admin: { allowCreate: false },
    },
    ...projectionFields,
  ],
}
