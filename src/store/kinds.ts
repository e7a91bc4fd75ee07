/**
 * A projection's kinds paired with how each is stored. Kept apart from the write path (and from
 * Payload), so that the stream reader thread can fold lines with it.
 */
import type { WithBookkeeping, LineKind, RecordKind } from '@/projections/define'

import type { LineStore, RecordStore, StoredProjection } from './types'

export type RecordEntry = { name: string; kind: RecordKind; store: RecordStore<WithBookkeeping> }
export type LineEntry = { name: string; kind: LineKind; store: LineStore<unknown> }

/** A projection's kinds with their storage, in declaration (write) order. */
export function kindsOf(stored: StoredProjection): { records: RecordEntry[]; lines: LineEntry[] } {
  const records: RecordEntry[] = []
  const lines: LineEntry[] = []
  for (const [name, kind] of Object.entries(stored.projection.kinds)) {
    const store = (stored.kinds as Record<string, RecordStore<WithBookkeeping> | LineStore<unknown>>)[name]!
    if (kind.storage === 'record' && store.storage === 'record') records.push({ name, kind, store })
    else if (kind.storage === 'line' && store.storage === 'line') lines.push({ name, kind, store })
    else throw new Error(`${stored.projection.name}.${name}: stored as a ${store.storage}, declared a ${kind.storage}`)
  }
  return { records, lines }
}
