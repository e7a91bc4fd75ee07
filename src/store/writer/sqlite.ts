/**
 * The bulk writer for SQLite: a batch's records and lines of one collection go in a few
 * multi-row statements inside one Drizzle transaction, through Payload's documented direct access
 * (`payload.db.drizzle`, `payload.db.tables`). Records are written as Payload stores them: a
 * group's fields as `group_field` columns, a relationship as its id, JSON as text, each array in
 * its own table (`<table>_<field>`, rows `_order`, `_parent_id`, `id`). A collection whose fields
 * this cannot write (an array inside a group, a has-many relationship) fails loudly on the first
 * write that names such a field, never silently.
 *
 * Why bulk: the worker spent most of a batch in per-record round trips through the adapter
 * (a query built, prepared and run for every read and write of every record); one statement per
 * kind and batch costs about the same as one of those.
 */
import crypto from 'node:crypto'

import { and, eq, getTableName, inArray, type SQL, sql } from '@payloadcms/db-sqlite/drizzle'
import type { CollectionSlug, FlattenedField, Payload } from 'payload'

import type { RecordId } from '@/projections/changes'

import { WriteConflict } from '../errors'
import type { Fence, LineRow, Moved, RecordWrite, StoredRecord, Writer, WriteTransaction } from './types'

/** A Drizzle column: its SQL name and how a value becomes what the driver stores. */
type Column = { name: string; mapToDriverValue: (value: unknown) => unknown }
type Table = Record<string, unknown>
type Row = Record<string, unknown>

/** The query builder of a Drizzle SQLite transaction, as much of it as this file uses. */
type Tx = {
  select: (columns: Record<string, unknown>) => {
    from: (table: Table) => { where: (condition: SQL) => Promise<Row[]> }
  }
  insert: (table: Table) => {
    values: (rows: Row[]) => {
      onConflictDoNothing: () => { returning: (columns: Record<string, unknown>) => Promise<Row[]> }
      onConflictDoUpdate: (config: { target: unknown; set: Row }) => {
        returning: (columns: Record<string, unknown>) => Promise<Row[]>
      }
    }
  }
  update: (table: Table) => {
    set: (values: Row) => {
      where: (condition: SQL) => { returning: (columns: Record<string, unknown>) => Promise<Row[]> }
    }
  }
  delete: (table: Table) => {
    where: (condition: SQL) => Promise<unknown> & { returning: (columns: Record<string, unknown>) => Promise<Row[]> }
  }
  all: <T = Row>(query: SQL) => Promise<T[]>
}

/** The parts of the SQLite adapter the writer uses. */
export type SqliteDatabase = {
  name: 'sqlite'
  drizzle: { transaction: <T>(work: (tx: Tx) => Promise<T>) => Promise<T> }
  tables: Record<string, Table>
  tableNameMap?: Map<string, string>
}

/** A column of a collection's table and where its value sits in a document (`group.field`). */
type Slot = { path: string[]; key: string; column: Column }
/** A table and how a document (or an array's row) fills it. */
type TableMap = {
  table: Table
  /** Top-level field → the columns it fills. */
  slots: Map<string, Slot[]>
  /** Fields a document may name that are not written to this table (arrays; an array row's id). */
  skipped: ReadonlySet<string>
  /** How many columns the table has: the most values one of its rows binds. */
  width: number
}
/** How one collection's documents map to its tables. */
type Plan = TableMap & {
  slug: string
  arrays: Map<string, TableMap>
  /** Fields the writer cannot write, and why. */
  unwritable: Map<string, string>
}

/** SQLite's limit on bound values in one statement is 32,766; keep well under it. */
const MAX_VALUES = 30_000
const chunksOf = <T>(items: T[], size: number): T[][] => {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}
const rowsPerStatement = (columns: number) => Math.max(1, Math.floor(MAX_VALUES / Math.max(1, columns)))

const snake = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase()

const isColumn = (value: unknown): value is Column =>
  typeof value === 'object' && value !== null && 'mapToDriverValue' in value && 'name' in value

function tableNamed(db: SqliteDatabase, name: string): Table | undefined {
  return db.tables[db.tableNameMap?.get(name) ?? name]
}

/** The columns of `fields` in `table`, top-level field by field; arrays and what cannot be written apart. */
function slotsOf(
  table: Table,
  fields: FlattenedField[],
  path: string[],
  onArray: (field: FlattenedField & { type: 'array' }, path: string[]) => void,
  onUnwritable: (path: string[], reason: string) => void,
): Slot[] {
  const slots: Slot[] = []
  for (const field of fields) {
    const at = [...path, field.name]
    if (field.type === 'join' || ('virtual' in field && field.virtual)) continue
    if (field.type === 'group') {
      slots.push(...slotsOf(table, field.flattenedFields, at, onArray, onUnwritable))
      continue
    }
    if (field.type === 'array') {
      if (path.length) onUnwritable(at, 'an array inside a group')
      else onArray(field, at)
      continue
    }
    if (
      field.type === 'blocks' ||
      ('hasMany' in field && field.hasMany) ||
      ('relationTo' in field && Array.isArray(field.relationTo))
    ) {
      onUnwritable(at, `a ${field.type} field kept in a table of its own`)
      continue
    }
    const column = table[at.join('_')]
    if (isColumn(column)) slots.push({ path: at, key: at.join('_'), column })
    else onUnwritable(at, 'no column of that name')
  }
  return slots
}

function planOf(db: SqliteDatabase, payload: Payload, slug: string): Plan {
  const tableName = snake(slug)
  const table = tableNamed(db, tableName)
  if (!table) throw new Error(`no table for ${slug}: the SQLite adapter's tables changed`)
  const arrays = new Map<string, TableMap>()
  const reasons = new Map<string, string>()
  const fields = payload.collections[slug as CollectionSlug].config.flattenedFields
  const unwritable = (path: string[], reason: string) => void reasons.set(path[0]!, `${path.join('.')}: ${reason}`)
  const slots = slotsOf(
    table,
    fields,
    [],
    (field, path) => {
      const arrayTable = tableNamed(db, `${tableName}_${field.dbName ?? snake(field.name)}`)
      if (!arrayTable) return unwritable(path, 'no table for the array')
      const rowSlots = slotsOf(
        arrayTable,
        field.flattenedFields,
        [],
        () => unwritable(path, 'an array in an array'),
        (inner, reason) => unwritable(path, `${inner.join('.')}: ${reason}`),
      )
      arrays.set(field.name, tableMap(arrayTable, rowSlots, new Set(['id'])))
    },
    unwritable,
  )
  const plan: Plan = { slug, ...tableMap(table, slots, new Set(arrays.keys())), arrays, unwritable: reasons }
  // Bookkeeping columns every projected collection has (src/collections/projected.ts).
  for (const name of ['id', 'version', 'projection', 'createdAt', 'updatedAt']) {
    const column = table[name]
    if (isColumn(column) && !plan.slots.has(name)) plan.slots.set(name, [{ path: [name], key: name, column }])
  }
  return plan
}

/** Slots by the top-level field they come from (a group fills several columns). */
function byField(slots: Slot[]): Map<string, Slot[]> {
  const fields = new Map<string, Slot[]>()
  for (const slot of slots) fields.set(slot.path[0]!, [...(fields.get(slot.path[0]!) ?? []), slot])
  return fields
}

const tableMap = (table: Table, slots: Slot[], skipped: ReadonlySet<string>): TableMap => ({
  table,
  slots: byField(slots),
  skipped,
  width: Object.values(table).filter(isColumn).length,
})

const valueAt = (value: unknown, path: string[]): unknown => {
  let current = value
  for (const name of path) {
    if (current === null || current === undefined) return null
    current = (current as Row)[name]
  }
  return current instanceof Date ? current.toISOString() : (current ?? null)
}

/** A document's columns (by Drizzle key) in `into` (the collection's table, or an array's), for the fields it names. */
function flatten(plan: Plan, document: Row, into: TableMap = plan): Row {
  const out: Row = {}
  for (const [field, value] of Object.entries(document)) {
    if (value === undefined || into.skipped.has(field)) continue
    const filled = into.slots.get(field)
    if (!filled)
      throw new Error(`${plan.slug}: cannot write ${field} (${plan.unwritable.get(field) ?? 'no such field'})`)
    for (const slot of filled) out[slot.key] = valueAt(value, slot.path.slice(1))
  }
  return out
}

class SqliteTransaction implements WriteTransaction {
  constructor(
    private readonly tx: Tx,
    private readonly plans: (slug: string) => Plan,
  ) {}

  private column(plan: Plan, key: string): Column {
    const column = plan.table[key]
    if (!isColumn(column)) throw new Error(`${plan.slug}: no column ${key}`)
    return column
  }

  async load<State>(
    collection: CollectionSlug,
    keyField: string,
    keys: Iterable<string>,
    columns: readonly string[] = [],
  ): Promise<Map<string, StoredRecord<State>>> {
    const plan = this.plans(collection)
    const found = new Map<string, StoredRecord<State>>()
    const selected: Record<string, unknown> = {
      id: plan.table.id,
      version: plan.table.version,
      projection: plan.table.projection,
      key: this.column(plan, keyField),
    }
    for (const name of columns) selected[`c:${name}`] = this.column(plan, name)
    for (const chunk of chunksOf([...new Set(keys)], 10_000)) {
      const rows = await this.tx
        .select(selected)
        .from(plan.table)
        .where(inArray(plan.table[keyField] as never, chunk))
      for (const row of rows) {
        found.set(String(row.key), {
          id: row.id as RecordId,
          version: Number(row.version ?? 0),
          state: row.projection as State,
          columns: Object.fromEntries(columns.map((name) => [name, row[`c:${name}`] ?? null])),
        })
      }
    }
    return found
  }

  async writeRecords<State>(
    collection: CollectionSlug,
    keyField: string,
    writes: Array<RecordWrite<State>>,
  ): Promise<Map<string, RecordId>> {
    const plan = this.plans(collection)
    const ids = new Map<string, RecordId>()
    const now = new Date().toISOString()
    const creates = writes.filter((write) => !write.stored)
    if (creates.length) {
      const rows = creates.map((write) => ({
        ...flatten(plan, write.row),
        version: 1,
        projection: write.state,
        createdAt: now,
        updatedAt: now,
      }))
      const key = this.column(plan, keyField)
      for (const chunk of chunksOf(rows, rowsPerStatement(plan.width))) {
        // A key another writer stored meanwhile is skipped here, and is a conflict below.
        const inserted = await this.tx
          .insert(plan.table)
          .values(chunk)
          .onConflictDoNothing()
          .returning({ id: plan.table.id, key })
        for (const row of inserted) ids.set(String(row.key), row.id as RecordId)
      }
      const lost = creates.find((write) => !ids.has(write.key))
      if (lost) throw new WriteConflict(collection, lost.key)
    }
    await this.updateRecords(
      plan,
      collection,
      writes.filter((write) => write.stored),
      now,
    )
    for (const write of writes) if (write.stored) ids.set(write.key, write.stored.id)
    await this.writeArrays(plan, writes, ids)
    return ids
  }

  /**
   * `UPDATE … FROM (VALUES …)`: each row set to its new columns where it is still at the version
   * it was read at, in one statement per set of columns; a row that moved is not returned.
   */
  private async updateRecords<State>(plan: Plan, collection: string, writes: Array<RecordWrite<State>>, now: string) {
    const groups = new Map<string, Array<{ write: RecordWrite<State>; row: Row }>>()
    for (const write of writes) {
      const row: Row = { ...flatten(plan, write.row), projection: write.state, updatedAt: now }
      delete row.id
      const signature = Object.keys(row).sort().join(',')
      groups.set(signature, [...(groups.get(signature) ?? []), { write, row }])
    }
    for (const [signature, members] of groups) {
      const keys = signature.split(',')
      const columns = keys.map((key) => this.column(plan, key))
      const idColumn = this.column(plan, 'id')
      const versionColumn = this.column(plan, 'version')
      for (const chunk of chunksOf(members, rowsPerStatement(keys.length + 2))) {
        const values = sql.join(
          chunk.map(({ write, row }) => {
            const cells = [
              sql.param(write.stored!.id, idColumn),
              sql.param(write.stored!.version, versionColumn),
              ...keys.map((key, i) => (row[key] === null ? sql`null` : sql.param(row[key], columns[i]))),
            ]
            return sql`(${sql.join(cells, sql`, `)})`
          }),
          sql`, `,
        )
        const assignments = sql.join(
          [
            ...columns.map((column, i) => sql`${sql.identifier(column.name)} = v.${sql.raw(`column${i + 3}`)}`),
            sql`${sql.identifier(versionColumn.name)} = v.column2 + 1`,
          ],
          sql`, `,
        )
        const table = sql.identifier(getTableName(plan.table as never))
        const id = sql`${table}.${sql.identifier(idColumn.name)}`
        const version = sql`${table}.${sql.identifier(versionColumn.name)}`
        const updated = await this.tx.all<{ id: RecordId }>(
          sql`update ${table} set ${assignments} from (values ${values}) as v
              where ${id} = v.column1 and ${version} = v.column2 returning ${id} as id`,
        )
        const done = new Set(updated.map((row) => String(row.id)))
        const moved = chunk.find(({ write }) => !done.has(String(write.stored!.id)))
        if (moved) throw new WriteConflict(collection, moved.write.key)
      }
    }
  }

  /** Rewrites the array tables of the records that name an array field (and changed it, when said). */
  private async writeArrays<State>(plan: Plan, writes: Array<RecordWrite<State>>, ids: Map<string, RecordId>) {
    for (const [field, array] of plan.arrays) {
      const { table } = array
      const rewritten = writes.filter(
        (write) => write.row[field] !== undefined && (!write.changed || !write.stored || write.changed.has(field)),
      )
      if (rewritten.length === 0) continue
      const parents = rewritten.map((write) => ids.get(write.key)!)
      const parent = table._parentID as never
      for (const chunk of chunksOf(parents, 10_000)) await this.tx.delete(table).where(inArray(parent, chunk))
      const rows = rewritten.flatMap((write) =>
        ((write.row[field] as Row[] | null) ?? []).map((item, index) => ({
          ...flatten(plan, item, array),
          _order: index + 1,
          _parentID: ids.get(write.key),
          id: typeof item.id === 'string' ? item.id : crypto.randomUUID(),
        })),
      )
      if (rows.length === 0) continue
      for (const chunk of chunksOf(rows, rowsPerStatement(array.width)))
        await this.tx.insert(table).values(chunk).onConflictDoNothing().returning({ id: table.id })
    }
  }

  async updateCopies(
    collection: CollectionSlug,
    field: string,
    linked: RecordId,
    data: Record<string, unknown>,
  ): Promise<Moved[]> {
    const plan = this.plans(collection)
    const version = this.column(plan, 'version')
    const rows = await this.tx
      .update(plan.table)
      .set({ ...flatten(plan, data), version: sql`${version} + 1`, updatedAt: new Date().toISOString() })
      .where(eq(this.column(plan, field) as never, linked))
      .returning({ id: plan.table.id, version })
    return rows.map((row) => ({ id: row.id as RecordId, version: Number(row.version) }))
  }

  async writeLines(
    collection: CollectionSlug,
    rows: LineRow[],
    { replace = false }: { replace?: boolean } = {},
  ): Promise<{ written: Map<string, RecordId>; replaced: Set<string> }> {
    const plan = this.plans(collection)
    const written = new Map<string, RecordId>()
    const replaced = new Set<string>()
    if (rows.length === 0) return { written, replaced }
    const now = new Date().toISOString()
    const flat = rows.map((row) => ({ ...flatten(plan, row), createdAt: now, updatedAt: now }))
    const key = this.column(plan, 'key')
    const returned = { id: plan.table.id, key }
    if (replace) {
      for (const chunk of chunksOf(rows, 10_000)) {
        const stored = await this.tx
          .select({ key })
          .from(plan.table)
          .where(
            inArray(
              key as never,
              chunk.map((row) => row.key),
            ),
          )
        for (const row of stored) replaced.add(String(row.key))
      }
    }
    const updatable = Object.keys(flat[0]!).filter((name) => name !== 'key' && name !== 'createdAt' && name !== 'id')
    for (const chunk of chunksOf(flat, rowsPerStatement(plan.width))) {
      const insert = this.tx.insert(plan.table).values(chunk)
      const lines = replace
        ? await insert
            .onConflictDoUpdate({
              target: key,
              set: Object.fromEntries(
                updatable.map((name) => [name, sql.raw(`excluded."${this.column(plan, name).name}"`)]),
              ),
            })
            .returning(returned)
        : await insert.onConflictDoNothing().returning(returned)
      for (const line of lines) written.set(String(line.key), line.id as RecordId)
    }
    return { written, replaced }
  }

  async removeRecords(collection: CollectionSlug, records: Moved[]): Promise<RecordId[]> {
    const plan = this.plans(collection)
    const idColumn = this.column(plan, 'id')
    const versionColumn = this.column(plan, 'version')
    const table = sql.identifier(getTableName(plan.table as never))
    const removed: RecordId[] = []
    for (const chunk of chunksOf(records, rowsPerStatement(2))) {
      const pairs = sql.join(
        chunk.map(({ id, version }) => sql`(${sql.param(id, idColumn)}, ${sql.param(version, versionColumn)})`),
        sql`, `,
      )
      const where = sql`(${sql.identifier(idColumn.name)}, ${sql.identifier(versionColumn.name)}) in (values ${pairs})`
      const ids = (
        await this.tx.all<{ id: RecordId }>(
          sql`select ${sql.identifier(idColumn.name)} as id from ${table} where ${where}`,
        )
      ).map((row) => row.id)
      if (ids.length === 0) continue
      for (const { table: rows } of plan.arrays.values())
        await this.tx.delete(rows).where(inArray(rows._parentID as never, ids))
      await this.tx.delete(plan.table).where(inArray(idColumn as never, ids))
      removed.push(...ids)
    }
    return removed
  }

  async nextFence(projection: string): Promise<Fence> {
    const plan = this.plans('projection-fences')
    const token = this.column(plan, 'token')
    const now = new Date().toISOString()
    const [row] = await this.tx
      .insert(plan.table)
      .values([{ projection, token: 1, createdAt: now, updatedAt: now }])
      .onConflictDoUpdate({
        target: this.column(plan, 'projection'),
        set: { token: sql`${token} + 1`, updatedAt: now },
      })
      .returning({ token })
    return { projection, token: Number(row!.token) }
  }

  async holdsFence({ projection, token }: Fence): Promise<boolean> {
    const plan = this.plans('projection-fences')
    const held = await this.tx
      .update(plan.table)
      .set({ updatedAt: new Date().toISOString() })
      .where(
        and(eq(this.column(plan, 'projection') as never, projection), eq(this.column(plan, 'token') as never, token))!,
      )
      .returning({ id: this.column(plan, 'id') })
    return held.length > 0
  }

  async removeLines(collection: CollectionSlug, keys: string[]): Promise<number> {
    const plan = this.plans(collection)
    const key = this.column(plan, 'key')
    let removed = 0
    for (const chunk of chunksOf(keys, 10_000)) {
      const rows = await this.tx
        .delete(plan.table)
        .where(inArray(key as never, chunk))
        .returning({ key })
      removed += rows.length
    }
    return removed
  }
}

export function sqliteWriter(db: SqliteDatabase, payload: Payload): Writer {
  const plans = new Map<string, Plan>()
  const planFor = (slug: string) => {
    let plan = plans.get(slug)
    if (!plan) plans.set(slug, (plan = planOf(db, payload, slug)))
    return plan
  }
  return {
    // libsql begins a write transaction (BEGIN IMMEDIATE): it queues for the write lock (the busy
    // timeout every connection has) rather than failing when it first writes after another's commit.
    // A COMMIT that fails rejects (SQLITE_BUSY is transient: the caller tries the batch again).
    transaction: (_source, work) => db.drizzle.transaction((tx) => work(new SqliteTransaction(tx, planFor))),
  }
}
