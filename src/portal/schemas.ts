/**
 * The customer portal API's shapes, in zod: what the handlers validate their input with and
 * build every answer through (an answer holds the fields named here and nothing else), and what
 * the OpenAPI document (openapi.ts) is generated from.
 */
import { z } from 'zod'

import { isEntryId } from '@/events/entryId'
import { OUTSTANDING_ITEMS } from '@/projections/portal/application'
import { PORTAL_STATUSES } from '@/projections/portal/status'

const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601, UTC')
const entryId = z
  .string()
  .refine(isEntryId, { message: 'a chatLedger entry id, <ms>-<seq>' })
  .describe('A chatLedger stream entry id, `<ms>-<seq>`')

export const ErrorSchema = z.object({ message: z.string() }).meta({ title: 'Error' })

export const DocumentSchema = z
  .object({
    documentType: z.enum(['DRIVERS_LICENCE', 'PASSPORT', 'MEDICARE']),
    documentSubtype: z.string().nullable(),
    maskedNumber: z.string().describe('The last four characters only'),
    expiryDate: z.string().nullable(),
    state: z
      .enum(['received', 'verified', 'rejected', 'expired'])
      .describe('verified/rejected by the identity check; expired as of the application’s last update'),
  })
  .meta({ title: 'Identity document' })

export const ApplicationSchema = z
  .object({
    applicationNumber: z.string(),
    customerId: z.string(),
    status: z.enum(PORTAL_STATUSES).describe('draft → submitted → under_review → approved / declined / withdrawn'),
    currentStage: z.string().nullable(),
    currentStep: z.string().nullable(),
    progressPercentage: z.number().int().min(0).max(100).describe('Stages complete out of stages'),
    loanPurpose: z.string().nullable(),
    loanAmount: z.number().nullable(),
    loanFee: z.number().nullable(),
    loanTotalPayable: z.number().nullable(),
    loanTerm: z.number().nullable().describe('Months'),
    customerName: z.string(),
    customerEmail: z.string().nullable(),
    documents: z.array(DocumentSchema),
    outstanding: z.array(z.enum(OUTSTANDING_ITEMS)).describe('What is still needed from the customer'),
    hasOutstanding: z.boolean(),
    submittedAt: timestamp.nullable().describe('When the loan’s details came in'),
    decidedAt: timestamp.nullable(),
    lastUpdateAt: timestamp.nullable(),
    position: entryId.nullable().describe('The latest event this record shows'),
  })
  .meta({ title: 'Application' })

export const ConversationSchema = z
  .object({
    conversationId: z.string(),
    applicationNumber: z.string().nullable(),
    purpose: z.string().nullable(),
    status: z.enum(['active', 'completed']),
    lastMessage: z.string().nullable().describe('The latest line either side wrote, as the customer saw it'),
    lastMessageFrom: z.enum(['customer', 'assistant']).nullable(),
    lastMessageAt: timestamp.nullable(),
    messageCount: z.number().int().min(0),
    startedAt: timestamp.nullable(),
    position: entryId.nullable().describe('The latest event this record shows'),
  })
  .meta({ title: 'Conversation' })

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

export type ApplicationAnswer = z.output<typeof ApplicationSchema>
export type ConversationAnswer = z.output<typeof ConversationSchema>
