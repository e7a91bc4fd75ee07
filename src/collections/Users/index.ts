import type { CollectionConfig } from 'payload'

import { adminOrSelf } from '@/access/adminOrSelf'
import { isAdmin } from '@/access/isAdmin'
import { isAdminField } from '@/access/isAdminField'
import { hasRole, ROLES } from '@/access/roles'

import { resetPasswordEmail } from './auth/resetPasswordEmail'
import { makeFirstUserAdmin } from './hooks/makeFirstUserAdmin'
import { refuseBulkAdminChanges } from './hooks/refuseBulkAdminChanges'
import { refuseTakenNames } from './hooks/refuseTakenNames'

export const Users: CollectionConfig = {
  slug: 'users',
  auth: { forgotPassword: { generateEmailHTML: resetPasswordEmail } },
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'firstName', 'lastName', 'role'],
    group: 'Administration',
  },
  access: {
    admin: ({ req: { user } }) => hasRole(user, ...ROLES),
    create: isAdmin,
    read: adminOrSelf,
    update: adminOrSelf,
    delete: isAdmin,
    unlock: isAdmin,
  },
  // The last admin is kept by the database adapter, around the write itself (./withOneAdminKept.ts).
  hooks: {
    beforeOperation: [refuseBulkAdminChanges],
    beforeChange: [makeFirstUserAdmin, refuseTakenNames],
  },
  fields: [
    {
      name: 'role',
      type: 'select',
      required: true,
      defaultValue: 'supervisor',
      index: true,
      saveToJWT: true,
      options: [
        { label: 'Admin', value: 'admin' },
        { label: 'Supervisor', value: 'supervisor' },
      ],
      // Only admins set roles; a supervisor's attempt to change their own is ignored.
      access: { create: isAdminField, update: isAdminField },
      admin: { position: 'sidebar' },
    },
    { name: 'firstName', type: 'text', required: true },
    { name: 'lastName', type: 'text', required: true },
    { name: 'avatar', type: 'upload', relationTo: 'media' },
  ],
}
