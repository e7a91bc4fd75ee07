import type { CollectionBeforeChangeHook } from 'payload'

import type { SavedView } from '@/payload-types'

/** The owner is whoever created the view, whatever a request says; an update never moves it. */
export const keepOwner: CollectionBeforeChangeHook<SavedView> = ({ data, operation, originalDoc, req }) => {
  if (operation === 'create') return { ...data, owner: req.user?.id ?? data.owner }
  return { ...data, owner: originalDoc?.owner ?? data.owner }
}
