import { APIError, type CollectionBeforeChangeHook } from 'payload'

import type { Note } from '@/payload-types'

import { nameOf, userIdOf } from '../../staffNames'

/** A note's author is whoever wrote it (never taken from the request) and its conversation never moves. */
export const stampAuthor: CollectionBeforeChangeHook<Note> = ({ data, originalDoc, operation, req }) => {
  const user = req.user
  if (!user) throw new APIError('Log in to write notes.', 403, undefined, true)
  if (operation === 'create') return { ...data, author: user.id, authorName: nameOf(user) }
  return {
    ...data,
    conversationId: originalDoc!.conversationId,
    author: userIdOf(originalDoc!.author) as number,
    authorName: originalDoc!.authorName,
  }
}
