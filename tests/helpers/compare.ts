import type { Payload } from 'payload'
import { expect } from 'vitest'

import type { Folded, Projections } from '@/projections'
import type { portal } from '@/projections/portal'
import { attentionSignalsOf } from '@/projections/dashboard/signals'
import { portalStore } from '@/store/portal'

/**
 * Array rows lose Payload's row ids; absent, null, empty groups and empty arrays are alike;
 * dates compare as instants.
 */
export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? value.map(normalise) : undefined
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      const normalised = key === 'id' ? undefined : normalise(inner)
      if (normalised !== undefined && normalised !== null) out[key] = normalised
    }
    return Object.keys(out).length ? out : undefined
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$/.test(value))
    return new Date(value).toISOString()
  return value
}

const all = async (payload: Payload, collection: 'conversations' | 'applications' | 'customers' | 'utterances') =>
  (await payload.find({ collection, depth: 0, pagination: false, limit: 0, showHiddenFields: true }))
    .docs as unknown as Array<Record<string, unknown>>

/**
 * Every record in the database equals the oracle's: the stored projection state exactly
 * (bookkeeping included), the visible fields the state's, the links the right records, and the
 * transcript the oracle's lines, each once.
 */
export async function expectDatabaseToEqual(payload: Payload, oracle: Projections): Promise<void> {
  const [customers, applications, conversations, utterances] = await Promise.all([
    all(payload, 'customers'),
    all(payload, 'applications'),
    all(payload, 'conversations'),
    all(payload, 'utterances'),
  ])
  const customerIdOf = new Map(customers.map((doc) => [doc.id, doc.customerId]))
  const applicationNumberOf = new Map(applications.map((doc) => [doc.id, doc.applicationNumber]))
  const conversationIdOf = new Map(conversations.map((doc) => [doc.id, doc.conversationId]))

  const check = (docs: Array<Record<string, unknown>>, key: string, expected: Map<string, object>, label: string) => {
    expect(docs.map((doc) => doc[key]).sort(), `${label}: the same records`).toEqual([...expected.keys()].sort())
    for (const doc of docs) {
      const state = expected.get(String(doc[key]))! as Record<string, unknown>
      expect(doc.projection, `${label} ${doc[key]}: stored state`).toEqual(state)
      for (const [field, value] of Object.entries(state)) {
        if (field === 'projection' || (field === 'customerId' && label !== 'customer')) continue
        expect(normalise(doc[field]), `${label} ${doc[key]}.${field}`).toEqual(normalise(value))
      }
    }
  }
  check(customers, 'customerId', oracle.customers, 'customer')
  check(applications, 'applicationNumber', oracle.applications, 'application')
  check(conversations, 'conversationId', oracle.conversations, 'conversation')

  for (const doc of applications) {
    const state = oracle.applications.get(String(doc.applicationNumber))!
    if (state.customerId)
      expect(customerIdOf.get(doc.customer), `application ${doc.applicationNumber}.customer`).toBe(state.customerId)
  }
  for (const doc of conversations) {
    const state = oracle.conversations.get(String(doc.conversationId))!
    if (state.customerId) {
      expect(customerIdOf.get(doc.customer), `conversation ${doc.conversationId}.customer`).toBe(state.customerId)
      expect(doc.customerName ?? '', `conversation ${doc.conversationId}.customerName`).toBe(
        oracle.customers.get(state.customerId)?.fullName ?? '',
      )
    }
    if (state.applicationNumber) {
      expect(applicationNumberOf.get(doc.application), `conversation ${doc.conversationId}.application`).toBe(
        state.applicationNumber,
      )
      // and the application's attention signals, copied onto it
      const application = oracle.applications.get(state.applicationNumber)!
      for (const [field, value] of Object.entries(attentionSignalsOf(application))) {
        expect(normalise(doc[field]), `conversation ${doc.conversationId}.${field}`).toEqual(normalise(value))
      }
    }
  }

  expect(utterances.length, 'transcript lines').toBe(oracle.utterances.size)
  for (const doc of utterances) {
    const line = oracle.utterances.get(String(doc.key))
    expect(line, `line ${doc.key} expected`).toBeDefined()
    const { eventId: _eventId, conversationId, ...content } = line!
    const { eventId: _storedEventId, ...stored } = doc
    expect(conversationIdOf.get(stored.conversation), `line ${doc.key}.conversation`).toBe(conversationId)
    for (const [field, value] of Object.entries(content)) {
      expect(normalise(stored[field]), `line ${doc.key}.${field}`).toEqual(normalise(value))
    }
  }
}

/** Every portal record in the database equals the portal oracle's: its stored state and its columns. */
export async function expectPortalToEqual(payload: Payload, oracle: Folded<typeof portal>): Promise<void> {
  const read = async (collection: 'portal-applications' | 'portal-conversations') =>
    (await payload.find({ collection, depth: 0, pagination: false, limit: 0, showHiddenFields: true }))
      .docs as unknown as Array<Record<string, unknown>>
  const kinds = [
    ['portal-applications', 'applicationNumber', 'portalApplications', oracle.portalApplications],
    ['portal-conversations', 'conversationId', 'portalConversations', oracle.portalConversations],
  ] as const
  for (const [collection, key, kind, expected] of kinds) {
    const docs = await read(collection)
    expect(docs.map((doc) => doc[key]).sort(), `${collection}: the same records`).toEqual([...expected.keys()].sort())
    const { derived } = portalStore.kinds[kind]
    for (const doc of docs) {
      const state = expected.get(String(doc[key]))! as unknown as Record<string, unknown>
      expect(doc.projection, `${collection} ${doc[key]}: stored state`).toEqual(state)
      for (const [field, value] of Object.entries(state)) {
        if (field !== 'projection')
          expect(normalise(doc[field]), `${collection} ${doc[key]}.${field}`).toEqual(normalise(value))
      }
      // and the columns made from the state (the API's answer) are what the fold's state makes
      for (const [field, value] of Object.entries(derived!(state as never))) {
        expect(doc[field], `${collection} ${doc[key]}.${field}`).toEqual(value)
      }
    }
  }
}
