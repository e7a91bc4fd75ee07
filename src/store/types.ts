/**
 * How a projection's kinds are stored: the collection, the business key, the columns, the links
 * to other kinds, and the change-feed message each committed change makes. Declared once per
 * projection (dashboard.ts, portal.ts) beside its pure declaration in src/projections.
 */
import type { CollectionSlug } from 'payload'

import type { WithBookkeeping, Folded, Projection, StateOf } from '@/projections/define'
import type { ChangeMessage, RecordId } from '@/projections/changes'

/**
 * Whether every field of `State` (bookkeeping and `Omitted` aside) is a column of the collection
 * whose generated type is `Doc`, with a type that column takes, down through groups and array
 * rows (JSON columns take any JSON): `true`, or the paths that are not. A collection field renamed
 * or retyped then fails the build where the kind is stored, rather than silently stop being written.
 */
type FieldsOf<State, Omitted extends PropertyKey> = Exclude<keyof State, 'projection' | Omitted> & string
type Mismatch<S, D, Path extends string> = [NonNullable<S>] extends [string | number | boolean]
  ? S extends D
    ? never
    : Path
  : string extends NonNullable<D> // a JSON column: any JSON goes
    ? S extends D
      ? never
      : Path
    : [NonNullable<S>] extends [readonly (infer Row)[]]
      ? [NonNullable<D>] extends [readonly (infer DocRow)[]]
        ? Mismatch<Row, DocRow, `${Path}[]`>
        : Path
      : {
          [K in keyof NonNullable<S> & string]: K extends keyof NonNullable<D>
            ? Mismatch<NonNullable<S>[K], NonNullable<D>[K], `${Path}.${K}`>
            : `${Path}.${K}`
        }[keyof NonNullable<S> & string]
type Unstored<State, Doc, Omitted extends PropertyKey> = {
  [K in FieldsOf<State, Omitted>]: K extends keyof Doc ? Mismatch<State[K], Doc[K], K> : K
}[FieldsOf<State, Omitted>]
export type ColumnsMatch<State, Doc, Omitted extends PropertyKey = never> = [Unstored<State, Doc, Omitted>] extends [
  never,
]
  ? true
  : { notColumnsOfTheCollection: Unstored<State, Doc, Omitted> }

/** A relationship from one kind's record to a record of a kind written before it. */
export type Link<State, Linked = never> = {
  /** The relationship column that holds the linked record's id. */
  field: string
  /** The kind linked to. */
  to: string
  keyOf(state: State): string | null
  /** Columns copied from the linked record (a name for search and cards), kept up to date when it changes. */
  copy?: { columns: readonly string[]; from(linked: Linked): Record<string, unknown> }
}

/** One committed write of a record, as the change feed and the worker's log see it. */
export type RecordChange<State> = {
  id: RecordId
  key: string
  operation: 'create' | 'update'
  state: State
  /** The record's `version` after this write: feed readers drop a change older than one they applied. */
  version: number
  /** Entry ids of the events folded into this write. */
  entryIds: string[]
  /** The link and copied columns as they now stand (written in this batch, or stored before). */
  columns: Record<string, unknown>
}

/** A line written: inserted, or replaced in place (a rebuild correcting it), with the id it is stored under. */
export type LineChange<Line> = { id: RecordId; line: Line; parent: RecordId; operation: 'create' | 'update' }

export type RecordStore<State> = {
  storage: 'record'
  collection: CollectionSlug
  /** The column holding the business key (unique). */
  keyField: string
  /** State fields that are not columns (a business key that a link stands for). */
  omit?: readonly string[]
  /**
   * Columns made from the whole state and written with every write of the record, beside its
   * fields: kept out of the state, so out of its bookkeeping (`projection`) and of every fold.
   * Verify compares them and rebuilds rewrite them like any other column. May throw when the state
   * cannot make them: the write fails (the portal's answers, checked against the API's shapes).
   */
  derived?(state: State): Record<string, unknown>
  links?: ReadonlyArray<Link<State, never>>
  /** The change-feed message of a committed change; kinds nobody follows live have none. */
  announce?(change: RecordChange<State>): ChangeMessage
}

export type LineStore<Line> = {
  storage: 'line'
  collection: CollectionSlug
  /** The relationship column that holds the parent record's id. */
  parentField: string
  /** The line's columns (the parent link aside), and their names (what a stored line is compared on). */
  toRow(line: Line): Record<string, unknown>
  columns: readonly string[]
  announce?(change: LineChange<Line>): ChangeMessage
}

type StoreOf<Kind> = Kind extends { storage: 'line' }
  ? LineStore<StateOf<Kind>>
  : StateOf<Kind> extends WithBookkeeping
    ? RecordStore<StateOf<Kind>>
    : never

/** A projection with how each of its kinds is stored. */
export type StoredProjection<P extends Projection = Projection> = {
  projection: P
  kinds: { [Name in keyof P['kinds']]: StoreOf<P['kinds'][Name]> }
}

/** What one committed batch changed, by kind, and the messages it announces. */
export type BatchChanges<P extends Projection = Projection> = {
  records: { [Name in keyof P['kinds']]?: Array<RecordChange<StateOf<P['kinds'][Name]>>> }
  lines: { [Name in keyof P['kinds']]?: Array<LineChange<StateOf<P['kinds'][Name]>>> }
  messages: ChangeMessage[]
}

export type { Folded }
