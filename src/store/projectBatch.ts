/**
 * Projects a batch of parsed events into one projection's records, in one transaction: loads
 * every record the batch touches, folds each once with the projection's own evolve functions,
 * writes each kind's changed records in one call of the writer (links and copies from the
 * records written before it), writes the new lines, commits. The same loop serves every
 * projection: it knows kinds, not collections.
 *
 * Concurrency (several workers, one group; or a worker and a rebuild): every record write is
 * conditional on the version loaded. If another writer got there first the writer throws
 * WriteConflict, the transaction is rolled back and the batch is folded again from fresh state.
 * Folding is idempotent and order-independent (src/projections), so a retry, a redelivery or a
 * reclaimed older entry can never duplicate or lose an effect.
 */
import type { Payload } from 'payload'

import type { ChatEvent } from '@/events/types'
import { changed, changedFields, isDeepEqual } from '@/projections/changed'
import type { WithBookkeeping, Projection, RecordKind } from '@/projections/define'
import type { ChangeMessage, RecordId } from '@/projections/changes'

import { kindsOf, type LineEntry, type RecordEntry } from './kinds'
import { announceLines, announceRecords, type KindWrite, recordRow, writeKind, writeLineKind } from './records'
import type { BatchChanges, RecordStore, StoredProjection } from './types'
import { type Fence, type StoredRecord, writerFor, type WriteTransaction } from './writer'

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
  tx: WriteTransaction
  folded: Map<string, Map<string, FoldedRecord>>
  ids: Map<string, Map<string, RecordId>>
}

/** Writes the changed records of one kind; returns their changes. */
async function saveKind(batch: Batch, { name, store }: RecordEntry) {
  const folded = batch.folded.get(name)!
  const writes: Array<KindWrite<WithBookkeeping>> = []
  for (const [key, { stored, before, state, entryIds }] of folded) {
    if (!state || !changed(before, state)) continue
    // A link's id and copies are known when the linked record is in this batch; else left as stored.
    const row = recordRow(store, state, (link, linkKey) => {
      const id = batch.ids.get(link.to)?.get(linkKey)
      return id === undefined ? undefined : { id, state: batch.folded.get(link.to)?.get(linkKey)?.state }
    })
    writes.push({
      key,
      stored,
      state,
      row,
      changed: new Set(changedFields(before, state)),
      entryIds,
      columns: stored?.columns,
    })
  }
  const changes = await writeKind(batch.tx, store, writes)
  const ids = batch.ids.get(name)!
  for (const change of changes) ids.set(change.key, change.id)
  return changes
}

/**
 * Keeps the copies of a kind's columns right in the records that link to it (a customer's new
 * name on their conversations): for each of its records whose copied values changed, one update
 * of every record linking to it, which moves their versions (a writer holding the old copy then
 * conflicts instead of putting it back). Records of this batch that it moved are written later
 * from the version it moved them to.
 */
async function updateCopies(batch: Batch, name: string, linking: RecordEntry[]): Promise<void> {
  for (const { name: linkingName, store } of linking) {
    const inBatch = new Map(
      [...batch.folded.get(linkingName)!.values()].flatMap((record) =>
        record.stored ? [[String(record.stored.id), record.stored]] : [],
      ),
    )
    for (const link of store.links ?? []) {
      if (link.to !== name || !link.copy) continue
      const copy = link.copy as unknown as Copy
      for (const { stored, before, state } of batch.folded.get(name)!.values()) {
        if (!stored || !before || !state || before === state) continue
        const after = copy.from(state)
        if (isDeepEqual(copy.from(before), after)) continue
        for (const moved of await batch.tx.updateCopies(store.collection, link.field, stored.id, after)) {
          const record = inBatch.get(String(moved.id))
          if (record) record.version = moved.version
        }
      }
    }
  }
}

/** Writes the batch's new lines of one kind; returns those that are new, with their ids. */
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
  return writeLineKind(batch.tx, store, rows)
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
  { source = 'worker', fence }: { source?: string; fence?: Fence } = {},
): Promise<BatchChanges<P>> {
  const changes = { records: {}, lines: {}, messages: [] } as BatchChanges<P>
  if (events.length === 0) return changes
  const { records, lines } = kindsOf(stored as StoredProjection)

  return writerFor(payload).transaction(
    source,
    async (tx) => {
      const batch: Batch = { tx, folded: new Map(), ids: new Map() }
      for (const { name, kind, store } of records) {
        const keys = new Set<string>()
        for (const event of events) {
          const key = kind.keyOf(event)
          if (key !== undefined) keys.add(key)
        }
        const found = await tx.load<WithBookkeeping>(store.collection, store.keyField, keys, carriedColumns(store))
        batch.folded.set(name, foldRecords(kind, keys, found, events))
        batch.ids.set(name, new Map([...found].map(([key, record]) => [key, record.id])))
      }

      const messages: ChangeMessage[] = []
      for (const [index, entry] of records.entries()) {
        const written = await saveKind(batch, entry)
        await updateCopies(batch, entry.name, records.slice(index + 1))
        ;(changes.records as Record<string, unknown>)[entry.name] = written
        messages.push(...announceRecords(entry.store, written))
      }
      for (const entry of lines) {
        const inserted = await insertKind(batch, entry, events)
        ;(changes.lines as Record<string, unknown>)[entry.name] = inserted
        messages.push(...announceLines(entry.store, inserted))
      }
      changes.messages = messages
      return changes
    },
    { fence },
  )
}
