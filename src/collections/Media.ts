import type { CollectionConfig } from 'payload'

import { isAdmin } from '@/access/isAdmin'
import { isLoggedIn } from '@/access/isLoggedIn'

export const Media: CollectionConfig = {
  slug: 'media',
  admin: { group: 'Administration' },
  access: {
    read: isLoggedIn,
    create: isLoggedIn,
    update: isAdmin,
    delete: isAdmin,
  },
  upload: {
    staticDir: process.env.MEDIA_DIR || 'media',
    mimeTypes: ['image/*'],
    imageSizes: [{ name: 'thumbnail', width: 96, height: 96, position: 'centre' }],
  },
  fields: [{ name: 'alt', type: 'text', required: true }],
}
