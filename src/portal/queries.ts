/**
 * The portal API's reads: a customer's stored answers (src/store/portal.ts makes them when it
 * writes each record), newest activity first, by keyset cursor, one indexed query per request
 * (src/store/reads.ts). Nothing is reshaped or validated here: an answer is JSON text the
 * projection checked against the API's shape when it wrote it, joined into the reply as it is.
 */
import type { Payload } from 'payload'

import { readIndexed, type Row } from '@/store/reads'
import { portalStore } from '@/store/portal'

import { PortalError } from './auth'

const SOURCES = {
  applications: {
    collection: 'portal-applications',
    kind: 'portalApplications',
    key: 'applicationNumber',
    time: 'lastUpdateAt',
  },
  conversations: {
    collection: 'portal-conversations',
    kind: 'portalConversations',
    key: 'conversationId',
    time: 'lastActivityAt',
  },
} as const

type Source = keyof typeof SOURCES

/** A page's cursor: the last record's order keys, opaque to callers. */
type Cursor = { at: string | null; key: string }

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url')

function decodeCursor(raw: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor
    if (typeof cursor.key === 'string' && (cursor.at === null || typeof cursor.at === 'string')) return cursor
  } catch {
    // falls through
  }
  throw new PortalError(400, 'cursor is not one this API gave out: pass nextCursor from the previous page, or none.')
}

let warned = false

/**
 * The rows' stored answers. A record written before the portal projection's version 2 has none
 * until `pnpm projections rebuild portal` rewrites it (the version check asks for that rebuild):
 * its answer is made from its stored state by the function the worker makes answers with, at
 * the cost of a second read, so customers are answered alike meanwhile.
 */
async function answersOf(payload: Payload, source: Source, rows: Row[]): Promise<string[]> {
  const { collection, kind, key } = SOURCES[source]
  const unshaped = rows.filter((row) => row.answer === null).map((row) => String(row[key]))
  if (unshaped.length === 0) return rows.map((row) => row.answer as string)
  if (!warned) {
    warned = true
    payload.logger.warn(
      'Portal records without a stored answer (written before the portal projection’s version 2) are answered ' +
        'from their state, one more read each: run `pnpm projections rebuild portal`.',
    )
  }
  const { docs } = await payload.db.find({
    collection,
    where: { [key]: { in: unshaped } },
    select: { [key]: true, projection: true },
    pagination: false,
    limit: 0,
  })
  const derive = portalStore.kinds[kind].derived as (state: unknown) => { answer: string }
  const made = new Map((docs as Row[]).map((doc) => [String(doc[key]), derive(doc.projection).answer]))
  return rows.map((row) => (row.answer as string | null) ?? made.get(String(row[key]))!)
}

/** A customer's page of `source`: the stored answers, and the cursor of the next page (null on the last). */
export async function listFor(
  payload: Payload,
  source: Source,
  customerId: string,
  { limit, cursor }: { limit: number; cursor?: string },
): Promise<{ answers: string[]; nextCursor: string | null }> {
  const { collection, key, time } = SOURCES[source]
  const rows = await readIndexed(payload, {
    collection,
    columns: ['answer', time, key],
    equal: { customerId },
    newestFirst: { time, key, after: cursor === undefined ? undefined : decodeCursor(cursor) },
    limit: limit + 1,
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ at: (last[time] as string | null) ?? null, key: String(last[key]) })
      : null
  return { answers: await answersOf(payload, source, page), nextCursor }
}

/** One of the customer's applications, its stored answer; a 404 when there is none by that number, or not theirs. */
export async function applicationFor(payload: Payload, customerId: string, applicationNumber: string): Promise<string> {
  const [row] = await readIndexed(payload, {
    collection: 'portal-applications',
    columns: ['answer', 'applicationNumber'],
    equal: { applicationNumber, customerId },
    limit: 1,
  })
  if (!row) throw new PortalError(404, `No application ${applicationNumber} for this customer.`)
  return (await answersOf(payload, 'applications', [row]))[0]!
}
