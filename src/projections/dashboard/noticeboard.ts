/**
 * The noticeboard keeps one note per agent; a note's earlier contents are its `versions`,
 * oldest first. Posts are ordered by entry id (a late post slots in among the versions, it
 * does not become the note) and a post seen before is ignored.
 */
import { compareEntryIds, type EntryId } from '@/events/entryId'
import { ownValue } from '@/events/ownValue'

import { sortedKeys } from '../registers'

export type NoteVersion = { content: string; timestamp: string }
export type Note = NoteVersion & { agentName: string; versions: NoteVersion[] }
export type Noticeboard = Note[]

/** Per agent, the entry ids of its posts in stream order: [...versions, current note]. */
export type PostIds = Record<string, EntryId[]>

export type Post = NoteVersion & { agentName: string; entryId: EntryId }

const positionOf = (ids: EntryId[], entryId: EntryId): number => {
  const later = ids.findIndex((id) => compareEntryIds(entryId, id) < 0)
  return later === -1 ? ids.length : later
}

const insertAt = <T>(items: T[], index: number, item: T): T[] => [...items.slice(0, index), item, ...items.slice(index)]

/** The board and post ids with `post` in place; undefined when the post is already there. */
export function pin(
  board: Noticeboard,
  postIds: PostIds,
  post: Post,
): { board: Noticeboard; postIds: PostIds } | undefined {
  const { agentName, entryId, content, timestamp } = post
  const ids = ownValue(postIds, agentName) ?? []
  if (ids.includes(entryId)) return undefined
  const note = board.find((candidate) => candidate.agentName === agentName)
  const history: NoteVersion[] = note ? [...note.versions, { content: note.content, timestamp: note.timestamp }] : []
  const index = positionOf(ids, entryId)
  const posts = insertAt(history, index, { content, timestamp })
  const current = posts[posts.length - 1]!
  const nextIds = sortedKeys({ ...postIds, [agentName]: insertAt(ids, index, entryId) })
  const firstPost = (candidate: Note) => ownValue(nextIds, candidate.agentName)![0]!
  const nextBoard = [
    ...board.filter((candidate) => candidate.agentName !== agentName),
    { agentName, content: current.content, timestamp: current.timestamp, versions: posts.slice(0, -1) },
  ].sort((a, b) => compareEntryIds(firstPost(a), firstPost(b)))
  return { board: nextBoard, postIds: nextIds }
}
