/**
 * Projects a batch of parsed events into one projection's records, in one transaction: loads
 * every record the batch touches, folds each once with the projection's own evolve functions,
 * writes each changed record once (links and copies from the records written before it), inserts
 * the new lines, commits. The same loop serves every projection: it knows kinds, not collections.
 */
import type { Payload } from 'payload'

import type { ChatEvent } from '@/events/types'
import { changed, changedFields, isDeepEqual } from '@/projections/changed'
import type { WithBookkeeping, Projection, RecordKind } from '@/projections/define'
import type { ChangeMessage, RecordId } from '@/projections/changes'

import { insertLines } from './lines'
import { loadRecords, type RecordWrite, saveRecords, type StoredRecord, updateLinked } from './records'
import { commit, openSession, rollback, type Session } from './session'
import { kindsOf, type LineEntry, type RecordEntry } from './kinds'
import type { BatchChanges, LineChange, RecordChange, RecordStore, StoredProjection } from './types'

/** One record of a batch: as stored, before the batch, after it, and the entries that made it. */
type FoldedRecord = {
  stored?: StoredRecord<WithBookkeeping>
  before?: WithBookkeeping
  state?: WithBookkeeping
  entryIds: string[]
}

/** The columns a kind reads with its records: its links, and what they copy. */
const carriedColumns = (store: RecordStore<WithBookkeeping>) =>
  (store.links ?? []).flatMap((link) => [link.field, ...(link.copy?.columns ?? [])])

type Copy = { from: (linked: unknown) => Record<string, unknown> }

/** Folds the events of one batch per record, in stream order. Pure. */
function foldRecords(
  kind: RecordKind,
  keys: Set<string>,
  stored: Map<string, StoredRecord<WithBookkeeping>>,
  events: ChatEvent[],
): Map<string, FoldedRecord> {
  const folded = new Map<string, FoldedRecord>()
  for (const key of keys) {
    const record = stored.get(key)
    folded.set(key, { stored: record, before: record?.state, state: record?.state, entryIds: [] })
  }
  for (const event of events) {
    const key = kind.keyOf(event)
    if (key === undefined) continue
    const record = folded.get(key)!
    const next = kind.evolve(record.state, event)
    if (next !== undefined && next !== record.state) {
      record.state = next
      record.entryIds.push(event.entryId)
    }
  }
  return folded
}

type Batch = {
  session: Session
  folded: Map<string, Map<string, FoldedRecord>>
  ids: Map<string, Map<string, RecordId>>
}

/** The link and copied columns of a record about to be written, from the records this batch knows. */
function linkColumns(
  { folded, ids }: Batch,
  store: RecordStore<WithBookkeeping>,
  state: WithBookkeeping,
): Record<string, unknown> {
  const columns: Record<string, unknown> = {}
  for (const link of store.links ?? []) {
    const key = link.keyOf(state)
    const id = key === null ? undefined : ids.get(link.to)?.get(key)
    if (key === null || id === undefined) continue
    columns[link.field] = id
    const linked = folded.get(link.to)?.get(key)?.state
    if (link.copy && linked) Object.assign(columns, (link.copy as unknown as Copy).from(linked))
  }
  return columns
}

/** Writes the changed records of one kind; returns their changes. */
async function saveKind(batch: Batch, { name, store }: RecordEntry): Promise<Array<RecordChange<WithBookkeeping>>> {
  const folded = batch.folded.get(name)!
  const omitted = new Set(['projection', ...(store.omit ?? [])])
  const writes: Array<RecordWrite<WithBookkeeping> & { links: Record<string, unknown> }> = []
  for (const [key, { stored, before, state }] of folded) {
    if (!state || !changed(before, state)) continue
    const values = state as unknown as Record<string, unknown>
    const fields: Record<string, unknown> = {}
    for (const field of changedFields(before, state)) if (!omitted.has(field)) fields[field] = values[field]
    const links = linkColumns(batch, store, state)
    const required = Object.fromEntries(store.required.map((field) => [field, values[field]]))
    const derived = store.derived?.(state)
    writes.push({ key, stored, state, fields: { ...fields, ...derived, ...links }, required, links })
  }
  const created = await saveRecords(batch.session, store.collection, store.keyField, writes)
  const ids = batch.ids.get(name)!
  for (const [key, id] of created) ids.set(key, id)
  return writes.map(({ key, stored, state, links }) => ({
    id: ids.get(key)!,
    key,
    operation: stored ? 'update' : 'create',
    state,
    version: stored ? stored.version + 1 : 1,
    entryIds: folded.get(key)!.entryIds,
    columns: { ...stored?.columns, ...links },
  }))
}

/**
 * Keeps the copies of a kind's columns right in the records that link to it (a customer's new
 * name on their conversations): for each of its records whose copied values changed, one update
 * of every record linking to it. Records written later in the batch get the same values.
 */
async function updateCopies(batch: Batch, name: string, linking: RecordEntry[]): Promise<void> {
  for (const { store } of linking) {
    for (const link of store.links ?? []) {
      if (link.to !== name || !link.copy) continue
      const copy = link.copy as unknown as Copy
      for (const { stored, before, state } of batch.folded.get(name)!.values()) {
        if (!stored || !before || !state || before === state) continue
        const after = copy.from(state)
        if (!isDeepEqual(copy.from(before), after)) {
          await updateLinked(batch.session, store.collection, link.field, stored.id, after)
        }
      }
    }
  }
}

/** Inserts the batch's lines of one kind; returns those that are new, with their ids. */
async function insertKind(batch: Batch, { kind, store }: LineEntry, events: ChatEvent[]) {
  const lines = new Map<string, unknown>()
  for (const event of events) {
    const key = kind.keyOf(event)
    if (key === undefined) continue
    const next = kind.evolve(lines.get(key), event)
    if (next !== undefined) lines.set(key, next)
  }
  const parents = batch.ids.get(kind.parent)!
  const rows: Array<{ key: string; line: unknown; parent: RecordId }> = []
  for (const [key, line] of lines) {
    const parent = parents.get(kind.parentKeyOf(line))
    if (parent !== undefined) rows.push({ key, line, parent })
  }
  const inserted = await insertLines(
    batch.session,
    store.collection,
    rows.map(({ key, line, parent }) => ({ ...store.toRow(line), key, [store.parentField]: parent })),
  )
  return rows.flatMap(({ key, line, parent }): Array<LineChange<unknown>> => {
    const id = inserted.get(key)
    return id === undefined ? [] : [{ id, line, parent }]
  })
}

/**
 * Projects `events` (stream order) into the projection in one transaction and returns what it
 * changed, with the change-feed messages to announce once committed. Throws after rolling back
 * on any failure; the caller decides whether to retry.
 */
export async function projectBatch<P extends Projection>(
  payload: Payload,
  stored: StoredProjection<P>,
  events: ChatEvent[],
): Promise<BatchChanges<P>> {
  const changes = { records: {}, lines: {}, messages: [] } as BatchChanges<P>
  if (events.length === 0) return changes
  const { records, lines } = kindsOf(stored as StoredProjection)

  const session = await openSession(payload)
  try {
    const batch: Batch = { session, folded: new Map(), ids: new Map() }
    const loaded = await Promise.all(
      records.map(async ({ name, kind, store }) => {
        const keys = new Set<string>()
        for (const event of events) {
          const key = kind.keyOf(event)
          if (key !== undefined) keys.add(key)
        }
        const found = await loadRecords<WithBookkeeping>(
          session,
          store.collection,
          store.keyField,
          keys,
          carriedColumns(store),
        )
        return { name, kind, keys, found }
      }),
    )
    for (const { name, kind, keys, found } of loaded) {
      batch.folded.set(name, foldRecords(kind, keys, found, events))
      batch.ids.set(name, new Map([...found].map(([key, record]) => [key, record.id])))
    }

    const messages: ChangeMessage[] = []
    for (const [index, entry] of records.entries()) {
      const written = await saveKind(batch, entry)
      await updateCopies(batch, entry.name, records.slice(index + 1))
      ;(changes.records as Record<string, unknown>)[entry.name] = written
      if (entry.store.announce) messages.push(...written.map((change) => entry.store.announce!(change)))
    }
    for (const entry of lines) {
      const inserted = await insertKind(batch, entry, events)
      ;(changes.lines as Record<string, unknown>)[entry.name] = inserted
      if (entry.store.announce) messages.push(...inserted.map((change) => entry.store.announce!(change)))
    }
    await commit(session)
    changes.messages = messages
    return changes
  } catch (error) {
    await rollback(session)
    throw error
  }
}
