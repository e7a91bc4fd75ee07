import type { CollectionConfig, Field } from 'payload'

import { publishChange } from '@/realtime/hooks/publishChange'
import { publishDeletion } from '@/realtime/hooks/publishDeletion'

import { deriveFullName } from './hooks/deriveFullName'

import { projectedAccess, projectionFields, SUPERVISOR_GROUP } from '../projected'

const address = (name: string, description?: string): Field => ({
  name,
  type: 'group',
  admin: description ? { description } : undefined,
  fields: [
    {
      type: 'row',
      fields: [
        { name: 'street', type: 'text' },
        { name: 'city', type: 'text' },
      ],
    },
    {
      type: 'row',
      fields: [
        { name: 'state', type: 'text' },
        { name: 'postcode', type: 'text' },
        { name: 'country', type: 'text', defaultValue: 'Australia' },
      ],
    },
  ],
})

export const Customers: CollectionConfig = {
  slug: 'customers',
  admin: {
    useAsTitle: 'fullName',
    defaultColumns: ['fullName', 'emailAddress', 'customerId', 'dateOfBirth'],
    listSearchableFields: ['fullName', 'emailAddress', 'customerId'],
    group: SUPERVISOR_GROUP,
  },
  access: projectedAccess,
  hooks: {
    beforeChange: [deriveFullName],
    afterChange: [publishChange],
    afterDelete: [publishDeletion],
  },
  fields: [
    { name: 'customerId', type: 'text', required: true, unique: true },
    {
      type: 'row',
      fields: [
        { name: 'title', type: 'text', admin: { description: 'Mr, Mrs, Ms, Dr, …' } },
        { name: 'preferredName', type: 'text' },
      ],
    },
    {
      type: 'row',
      fields: [
        { name: 'firstName', type: 'text' },
        { name: 'middleName', type: 'text' },
        { name: 'lastName', type: 'text' },
      ],
    },
    {
      name: 'fullName',
      type: 'text',
      index: true,
      admin: { readOnly: true, description: 'First, middle and last name; else the preferred name.' },
    },
    { name: 'emailAddress', type: 'email', index: true },
    { name: 'mobilePhoneNumber', type: 'text' },
    {
      name: 'dateOfBirth',
      type: 'date',
      admin: { date: { pickerAppearance: 'dayOnly', displayFormat: 'd MMM yyyy' } },
    },
    address('residentialAddress'),
    address('mailingAddress', 'Address for mail delivery (e.g. cards)'),
    {
      type: 'row',
      fields: [
        { name: 'staffFlag', type: 'checkbox', label: 'Staff' },
        { name: 'investorFlag', type: 'checkbox', label: 'Investor' },
        { name: 'founderFlag', type: 'checkbox', label: 'Founder' },
      ],
    },
    {
      type: 'row',
      fields: [
        { name: 'ekycEntityId', type: 'text', label: 'eKYC entity id' },
        {
          name: 'ekycStatus',
          type: 'select',
          label: 'eKYC status',
          options: [
            { label: 'Successful', value: 'successful' },
            { label: 'Failed', value: 'failed' },
            { label: 'Pending', value: 'pending' },
          ],
        },
        {
          name: 'individualStatus',
          type: 'select',
          options: [
            { label: 'Living', value: 'LIVING' },
            { label: 'Deceased', value: 'DECEASED' },
            { label: 'Missing', value: 'MISSING' },
          ],
        },
      ],
    },
    {
      name: 'identityDocuments',
      type: 'array',
      fields: [
        {
          name: 'documentType',
          type: 'select',
          required: true,
          options: [
            { label: 'Driver licence', value: 'DRIVERS_LICENCE' },
            { label: 'Passport', value: 'PASSPORT' },
            { label: 'Medicare', value: 'MEDICARE' },
          ],
        },
        { name: 'documentSubtype', type: 'text', admin: { description: 'e.g. Medicare card colour' } },
        { name: 'documentNumber', type: 'text', required: true },
        { name: 'expiryDate', type: 'date', admin: { date: { pickerAppearance: 'dayOnly' } } },
        { name: 'stateOfIssue', type: 'text' },
        { name: 'countryOfIssue', type: 'text', defaultValue: 'Australia' },
        { name: 'additionalInfo', type: 'json' },
      ],
    },
    {
      name: 'applications',
      type: 'join',
      collection: 'applications',
      on: 'customer',
      defaultSort: '-updatedAt',
      admin: { allowCreate: false },
    },
    {
      name: 'conversations',
      type: 'join',
      collection: 'conversations',
      on: 'customer',
      defaultSort: '-startedAt',
      admin: { allowCreate: false },
    },
    ...projectionFields,
  ],
}
