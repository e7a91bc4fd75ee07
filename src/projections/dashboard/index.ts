/**
 * The supervisor dashboard's read model: customers, applications and conversations (records),
 * and each conversation's transcript (lines). Its records are the Payload collections the
 * supervisors read; src/store/dashboard.ts says how each kind is stored.
 */
import { defineProjection } from '../define'
import { evolveApplication } from './application'
import { evolveConversation } from './conversation'
import { evolveCustomer } from './customer'
import { applicationOf, conversationOf, customerOf, lineKeyOf } from './keys'
import { evolveLine, type Utterance } from './utterance'

export const dashboard = defineProjection({
  name: 'dashboard',
  // 2: retries of every event type count once (appliedEvents), attention signals.
  // 3: conversations' decidedAt (the final decision's time).
  // 4: conversations' msToDecision (analytics' median, counted by the database).
  version: 4,
  group: 'payload-dashboard',
  kinds: {
    customers: { storage: 'record', keyOf: customerOf, evolve: evolveCustomer },
    applications: { storage: 'record', keyOf: applicationOf, evolve: evolveApplication },
    conversations: { storage: 'record', keyOf: conversationOf, evolve: evolveConversation },
    utterances: {
      storage: 'line',
      keyOf: lineKeyOf,
      evolve: evolveLine,
      parent: 'conversations',
      parentKeyOf: (line: Utterance) => line.conversationId,
    },
  },
})

export type Dashboard = typeof dashboard
