/**
 * A projection's state is checked against the generated collection types at compile time
 * (src/store/types.ts ColumnsMatch): these assertions are checked by `pnpm typecheck`, which the
 * test command runs, and fail it if the check stops catching a missing or retyped column.
 */
import { describe, expectTypeOf, it } from 'vitest'

import type { Conversation, PortalConversation } from '@/payload-types'
import type { ConversationState } from '@/projections/dashboard/conversation'
import type { PortalConversationState } from '@/projections/portal/conversation'
import type { ColumnsMatch } from '@/store/types'

describe('the stored columns check', () => {
  it('accepts the states as they are stored', () => {
    expectTypeOf<ColumnsMatch<ConversationState, Conversation, 'customerId'>>().toEqualTypeOf<true>()
    expectTypeOf<ColumnsMatch<PortalConversationState, PortalConversation>>().toEqualTypeOf<true>()
  })

  it('names a field the collection does not have, a retyped one, and one inside a group or row', () => {
    type Renamed = ConversationState & { lastMessageAtt: string }
    expectTypeOf<ColumnsMatch<Renamed, Conversation, 'customerId'>>().toEqualTypeOf<{
      notColumnsOfTheCollection: 'lastMessageAtt'
    }>()
    type Retyped = Omit<PortalConversationState, 'messageCount'> & { messageCount: string }
    expectTypeOf<ColumnsMatch<Retyped, PortalConversation>>().toEqualTypeOf<{
      notColumnsOfTheCollection: 'messageCount'
    }>()
    type Nested = Omit<ConversationState, 'facts'> & { facts: Array<{ fact: string; source: string }> }
    expectTypeOf<ColumnsMatch<Nested, Conversation, 'customerId'>>().toEqualTypeOf<{
      notColumnsOfTheCollection: 'facts[].source'
    }>()
  })
})
