/**
 * The customer portal API's shapes, in zod: what the handlers validate their input with, the
 * answers' envelopes, and what the OpenAPI document (openapi.ts) is generated from. A record's
 * own shape (an application, a conversation) is the projection's (src/projections/portal/answers.ts),
 * which makes and checks each record's answer when it writes the record.
 */
import { z } from 'zod'

import { ApplicationSchema, ConversationSchema, entryIdSchema as entryId } from '@/projections/portal/answers'

export { ApplicationSchema, ConversationSchema }

export const ErrorSchema = z.object({ message: z.string() }).meta({ title: 'Error' })

/** What every answer says about how current it is. */
const consistency = {
  position: entryId.nullable().describe('Every chatLedger entry up to this one is reflected (null: Redis unreachable)'),
  behind: z.boolean().describe('True when `after` was given and the projection had not reached it in time'),
}

export const ApplicationListSchema = z.object({
  applications: z.array(ApplicationSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  ...consistency,
})
export const ApplicationDetailSchema = z.object({ application: ApplicationSchema, ...consistency })
export const ConversationListSchema = z.object({
  conversations: z.array(ConversationSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  ...consistency,
})

export const CustomerIdParam = z.string().min(1).max(100).describe('The customer’s id (the token’s `sub`)')
export const ApplicationNumberParam = z.string().min(1).max(100)

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional().describe('Records per page (default 20, at most 100)'),
  cursor: z.string().max(500).optional().describe('From the previous page’s `nextCursor`'),
  after: entryId.optional().describe('Answer only once this entry (your own XADD’s id) is reflected, or say `behind`'),
})
export const DetailQuery = ListQuery.pick({ after: true })
