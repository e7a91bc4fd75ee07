/**
 * What the customer portal API answers for each record, made where the record is made: the
 * shapes in zod (the OpenAPI document is generated from them, src/portal/openapi.ts) and each
 * record's answer as JSON text, checked against its shape once, when the record is written
 * (src/store/portal.ts stores it beside the record's columns), never per request. A request then
 * only joins stored answers: an answer holds the fields named here and nothing else, whatever
 * else the record keeps (registers, bookkeeping).
 */
import { z } from 'zod'

import { isEntryId } from '@/events/entryId'

import { OUTSTANDING_ITEMS, type PortalApplicationState } from './application'
import type { PortalConversationState } from './conversation'
import { PORTAL_STATUSES } from './status'

const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601, UTC')
export const entryIdSchema = z
  .string()
  .refine(isEntryId, { message: 'a chatLedger entry id, <ms>-<seq>' })
  .describe('A chatLedger stream entry id, `<ms>-<seq>`')

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
    position: entryIdSchema.nullable().describe('The latest event this record shows'),
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
    position: entryIdSchema.nullable().describe('The latest event this record shows'),
  })
  .meta({ title: 'Conversation' })

export type ApplicationAnswer = z.output<typeof ApplicationSchema>
export type ConversationAnswer = z.output<typeof ConversationSchema>

/** The shape's fields of a record, absent ones as null, parsed by the shape (which drops any other key). */
const answerText = (schema: z.ZodObject, record: object): string => {
  const fields = record as Record<string, unknown>
  return JSON.stringify(schema.parse(Object.fromEntries(Object.keys(schema.shape).map((f) => [f, fields[f] ?? null]))))
}

/**
 * The application as the API answers it, as JSON text; null while no customer is known for it
 * (no customer can ask for it). Throws a ZodError naming the field when the record does not fit
 * the shape: the write fails rather than store an answer the API would not give.
 */
export const applicationAnswerOf = (state: PortalApplicationState): string | null =>
  state.customerId === null ? null : answerText(ApplicationSchema, state)

/** The conversation as the API answers it, as JSON text (as above). */
export const conversationAnswerOf = (state: PortalConversationState): string => answerText(ConversationSchema, state)
