import type { Payload } from 'payload'

import type { ChatEvent } from '@/events/types'
import {
  type ApplicationState,
  type ConversationState,
  type CustomerState,
  evolveApplication,
  evolveConversation,
  evolveCustomer,
  toUtterance,
  touches,
  type Utterance,
} from '@/projections'

import {
  commit,
  insertUtterances,
  loadRecords,
  openSession,
  renameCustomerOnConversations,
  rollback,
  saveRecord,
  type StoredRecord,
  type UtteranceRow,
} from './projectionStore'

export type RecordChange<State> = {
  id: number | string
  key: string
  operation: 'create' | 'update'
  state: State
  /** Entry ids of the events folded into this write. */
  entryIds: string[]
}

export type UtteranceChange = UtteranceRow & { conversationId: string }

export type ProjectedChanges = {
  customers: RecordChange<CustomerState>[]
  applications: RecordChange<ApplicationState>[]
  conversations: RecordChange<ConversationState>[]
  utterances: UtteranceChange[]
}

type Folded<State> = { stored?: StoredRecord<State>; before?: State; state?: State; entryIds: string[] }

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Folds the events of one batch per record, in stream order. Pure. */
function fold<State>(
  keys: Set<string>,
  stored: Map<string, StoredRecord<State>>,
  events: ChatEvent[],
  keyOf: (event: ChatEvent) => string | undefined,
  evolve: (state: State | undefined, event: ChatEvent) => State | undefined,
): Map<string, Folded<State>> {
  const folded = new Map<string, Folded<State>>()
  for (const key of keys) {
    const record = stored.get(key)
    folded.set(key, { stored: record, before: record?.state, state: record?.state, entryIds: [] })
  }
  for (const event of events) {
    const key = keyOf(event)
    if (!key) continue
    const record = folded.get(key)!
    const next = evolve(record.state, event)
    if (next !== undefined && next !== record.state) {
      record.state = next
      record.entryIds.push(event.entryId)
    }
  }
  return folded
}

/** Business fields of a state: its bookkeeping stays in the hidden `projection` field. */
const withoutBookkeeping = <State extends object>(state: State): Record<string, unknown> => {
  const { projection: _bookkeeping, ...fields } = state as State & { projection?: unknown }
  return fields
}

/**
 * Projects a batch of parsed events (stream order) in one transaction: loads every record the
 * batch touches, folds each once, writes each changed record once, inserts the new transcript
 * lines, commits. Throws on any failure after rolling back; the caller decides to retry.
 */
export async function projectBatch(payload: Payload, events: ChatEvent[]): Promise<ProjectedChanges> {
  const changes: ProjectedChanges = { customers: [], applications: [], conversations: [], utterances: [] }
  if (events.length === 0) return changes

  const customerKeys = new Set<string>()
  const applicationKeys = new Set<string>()
  const conversationKeys = new Set<string>()
  for (const event of events) {
    const touched = touches(event)
    if (touched.customer) customerKeys.add(touched.customer)
    if (touched.application) applicationKeys.add(touched.application)
    if (touched.conversation) conversationKeys.add(touched.conversation)
  }

  const session = await openSession(payload)
  try {
    const [storedCustomers, storedApplications, storedConversations] = await Promise.all([
      loadRecords<CustomerState>(session, 'customers', [...customerKeys]),
      loadRecords<ApplicationState>(session, 'applications', [...applicationKeys]),
      loadRecords<ConversationState>(session, 'conversations', [...conversationKeys]),
    ])
    const customers = fold(customerKeys, storedCustomers, events, (e) => touches(e).customer, evolveCustomer)
    const applications = fold(applicationKeys, storedApplications, events, (e) => touches(e).application, evolveApplication)
    const conversations = fold(conversationKeys, storedConversations, events, (e) => touches(e).conversation, evolveConversation)

    // Customers first, then applications, then conversations: each links to the ids before it.
    const customerIds = new Map<string, number | string>()
    for (const [key, record] of customers) {
      if (record.stored) customerIds.set(key, record.stored.id)
      if (!record.state || same(record.before, record.state)) continue
      const id = await saveRecord(session, 'customers', key, record.stored, record.state, withoutBookkeeping(record.state))
      customerIds.set(key, id)
      changes.customers.push({ id, key, operation: record.stored ? 'update' : 'create', state: record.state, entryIds: record.entryIds })
      if (record.stored && record.before?.fullName !== record.state.fullName) {
        await renameCustomerOnConversations(session, id, record.state.fullName)
      }
    }

    const applicationIds = new Map<string, number | string>()
    for (const [key, record] of applications) {
      if (record.stored) applicationIds.set(key, record.stored.id)
      if (!record.state || same(record.before, record.state)) continue
      const { customerId, ...fields } = withoutBookkeeping(record.state)
      const customer = customerId ? customerIds.get(String(customerId)) : undefined
      const id = await saveRecord(session, 'applications', key, record.stored, record.state, {
        ...fields,
        ...(customer !== undefined ? { customer } : {}),
      })
      applicationIds.set(key, id)
      changes.applications.push({ id, key, operation: record.stored ? 'update' : 'create', state: record.state, entryIds: record.entryIds })
    }

    const conversationIds = new Map<string, number | string>()
    for (const [key, record] of conversations) {
      if (record.stored) conversationIds.set(key, record.stored.id)
      if (!record.state || same(record.before, record.state)) continue
      const { customerId, ...fields } = withoutBookkeeping(record.state)
      // Links are written when this batch knows the record linked to; otherwise the stored link stays.
      const customer = customerId ? customerIds.get(String(customerId)) : undefined
      const customerState = customerId ? customers.get(String(customerId))?.state : undefined
      const application = record.state.applicationNumber ? applicationIds.get(record.state.applicationNumber) : undefined
      const id = await saveRecord(session, 'conversations', key, record.stored, record.state, {
        ...fields,
        ...(customer !== undefined ? { customer } : {}),
        ...(customerState ? { customerName: customerState.fullName || null } : {}),
        ...(application !== undefined ? { application } : {}),
      })
      conversationIds.set(key, id)
      changes.conversations.push({ id, key, operation: record.stored ? 'update' : 'create', state: record.state, entryIds: record.entryIds })
    }

    const rows: UtteranceChange[] = []
    for (const event of events) {
      const line: Utterance | undefined = toUtterance(event)
      if (!line) continue
      const conversation = conversationIds.get(line.conversationId)
      if (conversation === undefined) continue
      const { conversationId, ...fields } = line
      rows.push({ ...fields, conversation, conversationId })
    }
    await insertUtterances(
      session,
      rows.map(({ conversationId: _cid, ...row }) => row),
    )
    changes.utterances = rows
    await commit(session)
    return changes
  } catch (error) {
    await rollback(session)
    throw error
  }
}
