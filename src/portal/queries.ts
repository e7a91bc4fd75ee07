/**
 * The portal API's reads: a customer's records, newest activity first, by keyset cursor, through
 * the database adapter (one indexed query per page, no hooks). The same shapes on every adapter:
 * dates become ISO strings whatever the driver hands back.
 */
import type { Payload, Where } from 'payload'

import { PortalError } from './auth'
import { type ApplicationAnswer, ApplicationSchema, type ConversationAnswer, ConversationSchema } from './schemas'

type Row = Record<string, unknown>

const SOURCES = {
  applications: {
    collection: 'portal-applications',
    key: 'applicationNumber',
    time: 'lastUpdateAt',
    schema: ApplicationSchema,
  },
  conversations: {
    collection: 'portal-conversations',
    key: 'conversationId',
    time: 'lastActivityAt',
    schema: ConversationSchema,
  },
} as const

type Source = keyof typeof SOURCES

/** Dates as ISO strings, undefined as null: the answer's shape whatever the adapter. */
const plain = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : (value ?? null))

function answerOf<S extends Source>(
  source: S,
  doc: Row,
): S extends 'applications' ? ApplicationAnswer : ConversationAnswer {
  const { schema } = SOURCES[source]
  const fields = Object.keys(schema.shape)
  return schema.parse(Object.fromEntries(fields.map((field) => [field, plain(doc[field])]))) as never
}

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

/** Records after the cursor in (time, key) descending order; records without a time sort last. */
function afterCursor(time: string, key: string, { at, key: last }: Cursor): Where {
  const tied: Where = {
    and: [at === null ? { [time]: { exists: false } } : { [time]: { equals: at } }, { [key]: { less_than: last } }],
  }
  if (at === null) return tied
  return { or: [{ [time]: { less_than: at } }, tied, { [time]: { exists: false } }] }
}

export async function listFor<S extends Source>(
  payload: Payload,
  source: S,
  customerId: string,
  { limit, cursor }: { limit: number; cursor?: string },
) {
  const { collection, key, time, schema } = SOURCES[source]
  const clauses: Where[] = [{ customerId: { equals: customerId } }]
  if (cursor) clauses.push(afterCursor(time, key, decodeCursor(cursor)))
  const { docs } = await payload.db.find({
    collection,
    where: { and: clauses },
    sort: [`-${time}`, `-${key}`],
    limit: limit + 1,
    pagination: false,
    select: Object.fromEntries(Object.keys(schema.shape).map((field) => [field, true])),
  })
  const rows = docs as Row[]
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ at: (plain(last[time]) as string | null) ?? null, key: String(last[key]) })
      : null
  return { records: page.map((doc) => answerOf(source, doc)), nextCursor }
}

/** One of the customer's applications; a 404 when there is none by that number, or not theirs. */
export async function applicationFor(payload: Payload, customerId: string, applicationNumber: string) {
  const doc = await payload.db.findOne({
    collection: 'portal-applications',
    where: { and: [{ applicationNumber: { equals: applicationNumber } }, { customerId: { equals: customerId } }] },
    select: Object.fromEntries(Object.keys(ApplicationSchema.shape).map((field) => [field, true])),
  })
  if (!doc) throw new PortalError(404, `No application ${applicationNumber} for this customer.`)
  return answerOf('applications', doc as Row)
}
