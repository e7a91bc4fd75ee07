import type { CollectionBeforeChangeHook } from 'payload'

import type { Customer } from '@/payload-types'
import { composeFullName } from '@/projections/dashboard/fullName'

/** `fullName` is derived from the name parts, for writes other than the worker's (which derives it too). */
export const deriveFullName: CollectionBeforeChangeHook<Customer> = ({ data, originalDoc }) => ({
  ...data,
  fullName: composeFullName({ ...originalDoc, ...data }),
})
