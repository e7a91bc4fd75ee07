/**
 * What a stored record and a stored line are, written once for every writer: the live worker,
 * the rebuild, replay and the dead-letter retry all make their rows, write them and announce
 * them through here (the writer in ./writer does the database's part).
 */
import type { WithBookkeeping } from '@/projections/define'
import {
  type ChangeMessage,
  removal,
  type FeedCollection,
  isFeedCollection,
  type RecordId,
} from '@/projections/changes'

import type { LineChange, LineStore, Link, RecordChange, RecordStore } from './types'
import type { LineRow, RecordWrite, WriteTransaction } from './writer'

type Row = Record<string, unknown>
type Copy = { columns: readonly string[]; from: (linked: unknown) => Row }

/**
 * What a link points at, as the writer knows it: the linked record's id (null: no link), and its
 * state when known (null: there is no such record; undefined: not known here, so the copied
 * columns stay as stored).
 */
export type LinkTarget = { id: RecordId | null; state?: unknown }

/**
 * A record's row: its state's fields (the bookkeeping and the omitted ones aside), the columns
 * its store makes from them, each link's id and the columns it copies. `resolve` says where a
 * link points; undefined leaves it as stored.
 */
export function recordRow<State extends WithBookkeeping>(
  store: RecordStore<State>,
  state: State,
  resolve: (link: Link<State, never>, key: string) => LinkTarget | undefined,
): Row {
  const omitted = new Set(['projection', ...(store.omit ?? [])])
  const row: Row = {}
  for (const [field, value] of Object.entries(state)) if (!omitted.has(field)) row[field] = value ?? null
  Object.assign(row, store.derived?.(state))
  for (const link of store.links ?? []) {
    const key = link.keyOf(state)
    const target = key === null ? { id: null, state: null } : resolve(link, key)
    if (!target) continue
    row[link.field] = target.id
    const copy = link.copy as Copy | undefined
    if (!copy || target.state === undefined) continue
    Object.assign(
      row,
      target.state === null
        ? Object.fromEntries(copy.columns.map((column) => [column, null]))
        : copy.from(target.state),
    )
  }
  return row
}

/** A line's row: its columns, its key, and its parent's id. */
export const lineRow = <Line>(store: LineStore<Line>, line: Line, key: string, parent: RecordId): LineRow => ({
  ...store.toRow(line),
  key,
  [store.parentField]: parent,
})

/** A record to write, with the entry ids it folds (announced with it). */
export type KindWrite<State> = RecordWrite<State> & { entryIds?: string[]; columns?: Row }

/** Writes a kind's records in one call of the writer; returns each committed change as the feed sees it. */
export async function writeKind<State extends WithBookkeeping>(
  tx: WriteTransaction,
  store: RecordStore<State>,
  writes: Array<KindWrite<State>>,
): Promise<Array<RecordChange<State>>> {
  if (writes.length === 0) return []
  const ids = await tx.writeRecords(store.collection, store.keyField, writes)
  return writes.map((write) => ({
    id: ids.get(write.key)!,
    key: write.key,
    operation: write.stored ? 'update' : 'create',
    state: write.state,
    version: write.stored ? write.stored.version + 1 : 1,
    entryIds: write.entryIds ?? [],
    columns: { ...write.columns, ...linkColumnsOf(store, write.row) },
  }))
}

/** The link and copied columns a row sets. */
function linkColumnsOf<State>(store: RecordStore<State>, row: Row): Row {
  const columns: Row = {}
  for (const link of store.links ?? []) {
    for (const name of [link.field, ...((link.copy as Copy | undefined)?.columns ?? [])])
      if (name in row) columns[name] = row[name]
  }
  return columns
}

/** The change-feed messages of a kind's committed record changes (none for kinds nobody follows). */
export const announceRecords = <State>(
  store: RecordStore<State>,
  changes: Array<RecordChange<State>>,
): ChangeMessage[] => (store.announce ? changes.map((change) => store.announce!(change)) : [])

/** The change-feed messages of records removed (a rebuild's records the stream does not justify). */
export const announceRemovals = <State>(
  store: RecordStore<State>,
  removed: Array<{ id: RecordId; key: string }>,
): ChangeMessage[] =>
  isFeedCollection(store.collection)
    ? removed.map(({ id, key }) => removal(store.collection as FeedCollection, { id, [store.keyField]: key }))
    : []

/** The change-feed messages of a kind's lines written (new, or replaced in place). */
export const announceLines = <Line>(store: LineStore<Line>, changes: Array<LineChange<Line>>): ChangeMessage[] =>
  store.announce ? changes.map((change) => store.announce!(change)) : []

/** Writes lines (new ones, or with `replace` also those stored, in place); returns what each became. */
export async function writeLineKind<Line>(
  tx: WriteTransaction,
  store: LineStore<Line>,
  lines: Array<{ key: string; line: Line; parent: RecordId }>,
  options: { replace?: boolean } = {},
): Promise<Array<LineChange<Line>>> {
  if (lines.length === 0) return []
  const rows = lines.map(({ key, line, parent }) => lineRow(store, line, key, parent))
  const { written, replaced } = await tx.writeLines(store.collection, rows, options)
  return lines.flatMap(({ key, line, parent }): Array<LineChange<Line>> => {
    const id = written.get(key)
    return id === undefined ? [] : [{ id, line, parent, operation: replaced.has(key) ? 'update' : 'create' }]
  })
}
