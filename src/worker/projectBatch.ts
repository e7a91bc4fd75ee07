import type { Payload } from 'payload'

import type { ChatEvent } from '@/events/types'
import {
  type ApplicationState,
  changed,
  changedFields,
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
  type ProjectedSlug,
  type RecordWrite,
  renameCustomerOnConversations,
  rollback,
  saveRecords,
  type Session,
  type StoredRecord,
  type UtteranceRow,
} from './projectionStore'

export type RecordChange<State> = {
  id: number | string
  key: string
  operation: 'create' | 'update'
  state: State
  /** The record's `version` after this write: feed readers drop a change older than one they applied. */
  version: number
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

/*
 * A write sets only the business fields that changed, so an assessment does not rewrite the
 * application's noticeboard, nor a new line the conversation's facts. The bookkeeping travels
 * in the hidden `projection` field; `customerId` is a link, not a column.
 */
type WritePlan = { required: Record<string, unknown>; omit?: string[]; links?: Record<string, unknown> }

/**
 * Writes the records of one collection that the batch changed, records them in `changes`, and
 * returns the ids of every record the batch touched (stored or new) by key.
 */
async function save<State extends object>(
  session: Session,
  collection: ProjectedSlug,
  folded: Map<string, Folded<State>>,
  changes: RecordChange<State>[],
  plan: (state: State) => WritePlan,
): Promise<Map<string, number | string>> {
  const writes: RecordWrite<State>[] = []
  for (const [key, { stored, before, state }] of folded) {
    if (!state || !changed(before, state)) continue
    const { required, omit = [], links = {} } = plan(state)
    const fields: Record<string, unknown> = { ...links }
    for (const field of changedFields(before, state)) {
      if (field !== 'projection' && !omit.includes(field)) fields[field] = state[field]
    }
    writes.push({ key, stored, state, fields, required })
  }
  const written = await saveRecords(session, collection, writes)
  const ids = new Map<string, number | string>()
  for (const [key, { stored }] of folded) {
    const id = written.get(key) ?? stored?.id
    if (id !== undefined) ids.set(key, id)
  }
  for (const { key, stored, state } of writes) {
    changes.push({
      id: ids.get(key)!,
      key,
      operation: stored ? 'update' : 'create',
      state,
      version: stored ? stored.version + 1 : 1,
      entryIds: folded.get(key)!.entryIds,
    })
  }
  return ids
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
    const applications = fold(
      applicationKeys,
      storedApplications,
      events,
      (e) => touches(e).application,
      evolveApplication,
    )
    const conversations = fold(
      conversationKeys,
      storedConversations,
      events,
      (e) => touches(e).conversation,
      evolveConversation,
    )

    // Customers first, then applications, then conversations: each links to the ids before it.
    const customerIds = await save(session, 'customers', customers, changes.customers, (state) => ({
      required: { customerId: state.customerId },
    }))
    for (const { id, key } of changes.customers) {
      const { before, state } = customers.get(key)!
      if (before && state && before.fullName !== state.fullName)
        await renameCustomerOnConversations(session, id, state.fullName)
    }

    // Links are written when this batch knows the record linked to; otherwise the stored link stays.
    const applicationIds = await save(session, 'applications', applications, changes.applications, (state) => {
      const customer = state.customerId ? customerIds.get(state.customerId) : undefined
      return {
        required: { applicationNumber: state.applicationNumber },
        omit: ['customerId'],
        links: customer !== undefined ? { customer } : {},
      }
    })

    const conversationIds = await save(session, 'conversations', conversations, changes.conversations, (state) => {
      const customer = state.customerId ? customerIds.get(state.customerId) : undefined
      const customerState = state.customerId ? customers.get(state.customerId)?.state : undefined
      const application = state.applicationNumber ? applicationIds.get(state.applicationNumber) : undefined
      return {
        required: { conversationId: state.conversationId, status: state.status },
        omit: ['customerId'],
        links: {
          ...(customer !== undefined ? { customer } : {}),
          ...(customerState ? { customerName: customerState.fullName || null } : {}),
          ...(application !== undefined ? { application } : {}),
        },
      }
    })

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
