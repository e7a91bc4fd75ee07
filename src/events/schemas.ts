/**
 * zod schemas of the chatLedger envelope and of each event's `dat`. Lenient where producers
 * differ harmlessly (numbers and booleans as strings, any case for decisions, unknown keys
 * ignored, both utterance spellings), strict where a value could not be stored faithfully.
 * Every failure names its field and says what was expected and what came.
 */
import { z } from 'zod'

import { ownValue } from './ownValue'

import { toIsoDate, toIsoTimestamp } from './timestamps'
import type {
  Address,
  ApplicationOutcome,
  ApplicationSnapshot,
  CustomerSnapshot,
  Decision,
  DocumentType,
  EkycStatus,
  IdentityDocument,
  IndividualStatus,
  Json,
  JsonObject,
  ProcessSnapshot,
  ProcessStage,
  ProcessStep,
  StepType,
  UtteranceData,
} from './types'

/** The largest utterance stored, in UTF-8 bytes. */
export const MAX_UTTERANCE_BYTES = 256 * 1024

/** How a value shows in a reason: strings quoted (and cut short), containers by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

/**
 * A field read by `convert`, which returns undefined for a value it cannot read. A missing
 * field is reported as `missing`, anything else as `expected <expected>, got <value>`.
 */
const field = <T>(expected: string, convert: (value: unknown) => T | undefined) =>
  z.unknown().transform((value, ctx): T => {
    const converted = value === undefined ? undefined : convert(value)
    if (converted !== undefined) return converted
    ctx.addIssue({
      code: 'custom',
      message: value === undefined ? 'missing' : `expected ${expected}, got ${describeValue(value)}`,
    })
    return z.NEVER
  })

const readText = (value: unknown) =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/
const readNumber = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value)
    ? value
    : typeof value === 'string' && NUMERIC.test(value)
      ? Number(value)
      : undefined

const readCount = (value: unknown) => {
  const number = typeof value === 'string' && !/^\s*\d+\s*$/.test(value) ? undefined : readNumber(value)
  return number !== undefined && Number.isSafeInteger(number) && number >= 0 ? number : undefined
}

const readFlag = (value: unknown) => {
  if (typeof value === 'boolean') return value
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined
  return text === 'true' ? true : text === 'false' ? false : undefined
}

/** One of `values`, in any case; `aliases` maps other spellings (lower case) to a value. */
const choice = <T extends string>(values: readonly T[], expected: string, aliases: Record<string, T> = {}) =>
  field(expected, (value) => {
    if (typeof value !== 'string') return undefined
    const wanted = value.trim().toLowerCase()
    return values.find((candidate) => candidate.toLowerCase() === wanted) ?? ownValue(aliases, wanted)
  })

const text = field('text', readText)
const nonEmptyText = field('non-empty text', (value) => {
  const read = readText(value)
  return read?.trim() ? read : undefined
})
const decimal = field('a number', readNumber)
export const count = field('a non-negative integer', readCount)
const flag = field('true or false', readFlag)
export const timestamp = field('an ISO 8601 timestamp', (value) =>
  typeof value === 'string' ? toIsoTimestamp(value) : undefined,
)
const date = field('a date (YYYY-MM-DD)', (value) => (typeof value === 'string' ? toIsoDate(value) : undefined))
/**
 * `dat` comes from JSON.parse, so every value in it is JSON already: only the shape needs
 * checking (re-validating with z.json() would cost more than the rest of parsing).
 */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const json = z.custom<Json>()
export const jsonObject = field('an object', (value) => (isJsonObject(value) ? value : undefined))

const encoder = new TextEncoder()
/** The text's UTF-8 size if over the limit. A UTF-16 unit takes at most 3 bytes, so short text skips encoding. */
const oversize = (text: string): number | undefined => {
  if (text.length * 3 <= MAX_UTTERANCE_BYTES) return undefined
  const bytes = encoder.encode(text).length
  return bytes > MAX_UTTERANCE_BYTES ? bytes : undefined
}

/** Utterance text, verbatim (HTML and emoji included), at most MAX_UTTERANCE_BYTES long. */
const utteranceText = z.unknown().transform((value, ctx): string => {
  const read = readText(value)
  const bytes = read === undefined ? undefined : oversize(read)
  if (read !== undefined && bytes === undefined) return read
  ctx.addIssue({
    code: 'custom',
    message:
      bytes === undefined
        ? `expected text, got ${describeValue(value)}`
        : `too long (${bytes} bytes > ${MAX_UTTERANCE_BYTES})`,
  })
  return z.NEVER
})

/** A key the producer may leave out (absent) or send as null (cleared). */
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional()

/** An utterance's `dat` as its schema reads it: every field converted, unknown ones dropped. */
type UtteranceFields = {
  utterance?: string
  u?: string
  rationale?: string | null
  r?: string | null
  answer_input_type?: string | null
  a?: string | null
  additional_data?: Json
  d?: Json
  end_conversation?: boolean | null
  e?: boolean | null
  prev_seq?: number | null
}

// The long spelling wins where a producer sent both.
const utteranceOf = (dat: UtteranceFields, utterance: string): UtteranceData => ({
  utterance,
  rationale: dat.rationale ?? dat.r ?? null,
  answerInputType: dat.answer_input_type ?? dat.a ?? null,
  additionalData: dat.additional_data ?? dat.d ?? null,
  endConversation: dat.end_conversation ?? dat.e ?? false,
  prevSeq: dat.prev_seq ?? null,
})

export const utteranceData = z
  .object({
    utterance: utteranceText.optional(),
    u: utteranceText.optional(),
    rationale: optional(text),
    r: optional(text),
    answer_input_type: optional(text),
    a: optional(text),
    additional_data: json.optional(),
    d: json.optional(),
    end_conversation: optional(flag),
    e: optional(flag),
    prev_seq: optional(count),
  })
  .transform((dat, ctx): UtteranceData => {
    const utterance = dat.utterance ?? dat.u
    if (utterance !== undefined) return utteranceOf(dat, utterance)
    ctx.addIssue({ code: 'custom', path: ['utterance'], message: 'missing' })
    return z.NEVER
  })

const isPlainUtterance = (value: unknown) =>
  value === undefined || (typeof value === 'string' && oversize(value) === undefined)
const isPlainText = (value: unknown) => value === undefined || value === null || typeof value === 'string'
const isPlainFlag = (value: unknown) => value === undefined || value === null || typeof value === 'boolean'
const isPlainCount = (value: unknown) =>
  value === undefined || value === null || (Number.isSafeInteger(value) && (value as number) >= 0)

/**
 * An utterance's `dat` in the shape nearly every producer sends, read without zod (half the
 * cost of reading the stream): each field absent or of its plain type, which the schema would
 * keep as it is. Undefined for anything else, right or wrong, which `utteranceData` reads (or
 * says what is wrong with); both give the same data.
 */
export function plainUtteranceData(dat: JsonObject): UtteranceData | undefined {
  const utterance = dat.utterance ?? dat.u
  const plain =
    typeof utterance === 'string' &&
    isPlainUtterance(dat.utterance) &&
    isPlainUtterance(dat.u) &&
    isPlainText(dat.rationale) &&
    isPlainText(dat.r) &&
    isPlainText(dat.answer_input_type) &&
    isPlainText(dat.a) &&
    isPlainFlag(dat.end_conversation) &&
    isPlainFlag(dat.e) &&
    isPlainCount(dat.prev_seq)
  return plain ? utteranceOf(dat as UtteranceFields, utterance) : undefined
}

export const finalDecisionData = z.object({
  decision: choice<Decision>(['approved', 'declined'], 'APPROVED or DECLINED'),
})

/** A summary fact as a sentence: a string as is, an object by its `fact` or as `key: value; …`. */
const factText = (value: unknown): string | undefined => {
  const read = readText(value)
  if (read !== undefined) return read
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const entries = Object.entries(value)
  const own = entries.find(([key]) => key === 'fact')?.[1]
  if (typeof own === 'string') return own
  return entries.map(([key, item]) => `${key}: ${readText(item) ?? JSON.stringify(item)}`).join('; ')
}

export const conversationSummaryData = z
  .object({
    conversation_purpose: optional(text),
    conversation_facts: optional(z.array(field('text or an object', factText))),
  })
  .transform((dat) => ({ purpose: dat.conversation_purpose ?? null, facts: dat.conversation_facts ?? [] }))

export const noticeboardData = z.object({ agentName: nonEmptyText, content: text })

export const assessmentData = jsonObject
export const conversationStartedData = jsonObject

/** A contact detail: the plain string, or wrapped as the producer often sends it, `{ value: "…" }`. */
const contact = field('text or { value: text }', (value): string | null | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return readText(value)
  const wrapped: unknown = Object.entries(value).find(([key]) => key === 'value')?.[1]
  return wrapped === null ? null : readText(wrapped)
})

const address = z
  .object({
    street: optional(text),
    city: optional(text),
    state: optional(text),
    postcode: optional(text),
    country: optional(text),
  })
  .transform((raw): Address => ({
    street: raw.street ?? null,
    city: raw.city ?? null,
    state: raw.state ?? null,
    postcode: raw.postcode ?? null,
    country: raw.country ?? 'Australia',
  }))

const customer = z
  .object({
    customer_id: optional(nonEmptyText),
    title: optional(text),
    preferred_name: optional(text),
    first_name: optional(text),
    middle_name: optional(text),
    last_name: optional(text),
    email_address: optional(contact),
    mobile_phone_number: optional(contact),
    date_of_birth: optional(date),
    residential_address: optional(address),
    mailing_address: optional(address),
    staff_flag: optional(flag),
    investor_flag: optional(flag),
    founder_flag: optional(flag),
    ekyc_entity_id: optional(text),
    ekyc_status: optional(choice<EkycStatus>(['successful', 'failed', 'pending'], 'successful, failed or pending')),
    individual_status: optional(
      choice<IndividualStatus>(['LIVING', 'DECEASED', 'MISSING'], 'LIVING, DECEASED or MISSING'),
    ),
  })
  .transform((raw): CustomerSnapshot => ({
    customerId: raw.customer_id ?? undefined,
    title: raw.title,
    preferredName: raw.preferred_name,
    firstName: raw.first_name,
    middleName: raw.middle_name,
    lastName: raw.last_name,
    emailAddress: raw.email_address,
    mobilePhoneNumber: raw.mobile_phone_number,
    dateOfBirth: raw.date_of_birth,
    residentialAddress: raw.residential_address,
    mailingAddress: raw.mailing_address,
    staffFlag: raw.staff_flag,
    investorFlag: raw.investor_flag,
    founderFlag: raw.founder_flag,
    ekycEntityId: raw.ekyc_entity_id,
    ekycStatus: raw.ekyc_status,
    individualStatus: raw.individual_status,
  }))

const identityDocument = z
  .object({
    document_type: choice<DocumentType>(
      ['DRIVERS_LICENCE', 'PASSPORT', 'MEDICARE'],
      'DRIVERS_LICENCE, PASSPORT or MEDICARE',
      {
        drivers_license: 'DRIVERS_LICENCE',
      },
    ),
    document_subtype: optional(text),
    document_number: nonEmptyText,
    expiry_date: optional(date),
    state_of_issue: optional(text),
    country_of_issue: optional(text),
    additional_info: optional(jsonObject),
  })
  .transform((raw): IdentityDocument => ({
    documentType: raw.document_type,
    documentSubtype: raw.document_subtype ?? null,
    documentNumber: raw.document_number,
    expiryDate: raw.expiry_date ?? null,
    stateOfIssue: raw.state_of_issue ?? null,
    countryOfIssue: raw.country_of_issue ?? 'Australia',
    additionalInfo: raw.additional_info ?? null,
  }))

const processStep = z
  .object({
    stepName: nonEmptyText,
    description: optional(text),
    complete: optional(flag),
    type: optional(choice<StepType>(['llm', 'business_logic', 'user_input'], 'llm, business_logic or user_input')),
    completionEventName: optional(text),
    answerInputType: optional(text),
  })
  .transform((raw): ProcessStep => ({
    stepName: raw.stepName,
    description: raw.description ?? null,
    complete: raw.complete ?? false,
    type: raw.type ?? null,
    completionEventName: raw.completionEventName ?? null,
    answerInputType: raw.answerInputType ?? null,
  }))

const processStage = z
  .object({
    stageName: nonEmptyText,
    complete: optional(flag),
    prompt: optional(text),
    steps: optional(z.array(processStep)),
  })
  .transform((raw): ProcessStage => ({
    stageName: raw.stageName,
    complete: raw.complete ?? false,
    prompt: raw.prompt ?? null,
    steps: raw.steps ?? [],
  }))

const applicationProcess = z
  .object({
    currentProcessStage: optional(text),
    currentProcessStep: optional(text),
    startedAt: optional(timestamp),
    updatedAt: optional(timestamp),
    applicationProcessState: optional(z.array(processStage)),
  })
  .transform((raw): ProcessSnapshot => ({
    currentProcessStage: raw.currentProcessStage ?? null,
    currentProcessStep: raw.currentProcessStep ?? null,
    startedAt: raw.startedAt ?? null,
    updatedAt: raw.updatedAt ?? null,
    applicationProcessState: raw.applicationProcessState ?? [],
  }))

const outcome = choice<ApplicationOutcome>(
  ['pending', 'approved', 'declined', 'withdrawn'],
  'PENDING, APPROVED, DECLINED or WITHDRAWN',
)

/** `applicationDetail_changed`: camelCase at the top, snake_case in `customer` and the documents. */
export const applicationSnapshotData = z
  .object({
    applicationNumber: optional(nonEmptyText),
    loanPurpose: optional(text),
    loanAmount: optional(decimal),
    loanFee: optional(decimal),
    loanTotalPayable: optional(decimal),
    loanTerm: optional(count),
    customerAttestationAcceptance: optional(flag),
    statementCaptureConsentProvided: optional(flag),
    statementCaptureCompleted: optional(flag),
    productOfferAcceptance: optional(flag),
    applicationOutcome: optional(outcome),
    applicationProcess: optional(applicationProcess),
    customer: optional(customer),
    customerIdentityDocuments: optional(z.array(identityDocument)),
  })
  .transform(
    ({ applicationNumber, applicationOutcome, applicationProcess, customer, customerIdentityDocuments, ...loan }) => ({
      applicationNumber: applicationNumber ?? undefined,
      snapshot: {
        ...loan,
        // Groups and lists sent as null are read as absent; scalars sent as null clear.
        applicationOutcome: applicationOutcome ?? undefined,
        applicationProcess: applicationProcess ?? undefined,
        customer: customer ?? undefined,
        identityDocuments: customerIdentityDocuments ?? undefined,
      } satisfies ApplicationSnapshot,
    }),
  )
