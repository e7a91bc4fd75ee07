/**
 * The one way a projection's rows are written: by the live worker, the rebuild, replay and the
 * dead-letter retry alike. One implementation per database behind this interface (./sqlite.ts in
 * bulk, ./adapter.ts through Payload's adapter API for every other database); nothing outside
 * this folder knows which one runs.
 *
 * Every record write is conditional on the version it was read at, so two workers, or a worker
 * and a rebuild, never lose an update: a write that finds another version throws WriteConflict
 * and the caller folds again from fresh state. Copies of a linked record's columns move the
 * version of every record they land on, so a writer holding an older copy conflicts rather than
 * putting it back.
 */
import type { CollectionSlug } from 'payload'

import type { RecordId } from '@/projections/changes'

/** A stored record as a batch reads it: its id, version, bookkept state and the columns asked for. */
export type StoredRecord<State> = {
  id: RecordId
  version: number
  state: State
  /** Columns read with the record besides its state (links and copies). */
  columns: Record<string, unknown>
}

/**
 * One record to write. `row` holds the columns by field name (groups as objects, arrays as
 * arrays of rows); a field the row does not name is left as stored. Created when `stored` is
 * undefined, otherwise updated to version `stored.version + 1` if still at `stored.version`.
 */
export type RecordWrite<State> = {
  key: string
  stored: Pick<StoredRecord<State>, 'id' | 'version'> | undefined
  state: State
  row: Record<string, unknown>
  /** The fields that changed, when the writer knows (array fields are rewritten only then); all otherwise. */
  changed?: ReadonlySet<string>
}

/** A version a record moved to because a copy landed on it. */
export type Moved = { id: RecordId; version: number }

/** A transcript line's row: its columns by field name, with the unique `key` and its parent's id. */
export type LineRow = Record<string, unknown> & { key: string }

export type WriteTransaction = {
  /** The stored records of a collection with these business keys, by key, with `columns` read too. */
  load<State>(
    collection: CollectionSlug,
    keyField: string,
    keys: Iterable<string>,
    columns?: readonly string[],
  ): Promise<Map<string, StoredRecord<State>>>
  /** Writes the records; returns the id of each, by key. Throws WriteConflict when one moved meanwhile. */
  writeRecords<State>(
    collection: CollectionSlug,
    keyField: string,
    writes: Array<RecordWrite<State>>,
  ): Promise<Map<string, RecordId>>
  /**
   * Sets the copied `data` on every record of `collection` whose `field` links to `linked`, moving
   * each one's version; returns the versions they moved to.
   */
  updateCopies(
    collection: CollectionSlug,
    field: string,
    linked: RecordId,
    data: Record<string, unknown>,
  ): Promise<Moved[]>
  /**
   * Lines by `key`: those not stored yet are inserted; with `replace`, those stored are updated in
   * place (one write, same id). Returns the id of each line inserted or replaced, by key, and which
   * were replaced (a redelivered line left alone is in neither).
   */
  writeLines(
    collection: CollectionSlug,
    rows: LineRow[],
    options?: { replace?: boolean },
  ): Promise<{ written: Map<string, RecordId>; replaced: Set<string> }>
  /** Removes the records still at the version given; returns the ids removed. */
  removeRecords(collection: CollectionSlug, records: Moved[]): Promise<RecordId[]>
  /** Removes the lines with these keys. */
  removeLines(collection: CollectionSlug, keys: string[]): Promise<number>
  /** Takes a projection's next fencing token (1 for its first job): any job holding an older one is fenced off. */
  nextFence(projection: string): Promise<Fence>
  /**
   * Whether `fence` is still its projection's newest token. It writes the token's row, so a
   * nextFence that commits meanwhile makes one of the two transactions fail rather than both pass.
   */
  holdsFence(fence: Fence): Promise<boolean>
}

/**
 * A job's fencing token for a projection: the database hands out one more for each job that takes
 * the projection's lock (nextFence), and a job's writes check that theirs is still the newest.
 */
export type Fence = { projection: string; token: number }

export type Writer = {
  /**
   * Runs `work` in one transaction: committed when it resolves (a failed commit throws), rolled
   * back when it throws. `source` says who writes, for logs and hooks. With a `fence`, the
   * transaction first checks that it is still the projection's newest token, and throws
   * FenceLost before any write when it is not: a job that lost its lock writes nothing more.
   */
  transaction<T>(source: string, work: (tx: WriteTransaction) => Promise<T>, options?: { fence?: Fence }): Promise<T>
}
