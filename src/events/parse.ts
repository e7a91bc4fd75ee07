/**
 * The edge: a raw chatLedger entry in, a typed ChatEvent (or the reason it is none) out.
 * Never throws: a malformed entry is a value the worker dead-letters with its reason.
 */
import { z } from 'zod'

import { isEntryId } from './entryId'
import {
  applicationSnapshotData,
  assessmentData,
  conversationStartedData,
  conversationSummaryData,
  count,
  describeValue,
  finalDecisionData,
  isJsonObject,
  jsonObject,
  noticeboardData,
  plainUtteranceData,
  timestamp,
  utteranceData,
} from './schemas'
import { toIsoTimestamp } from './timestamps'
import {
  type APPLICATION_EVENT_TYPES,
  type ChatEvent,
  CONVERSATION_EVENT_TYPES,
  type Envelope,
  EVENT_TYPES,
  type EventType,
  type JsonObject,
  type ParseResult,
  PROJECTED_AGENT,
  type StreamFields,
} from './types'

type Malformed = Extract<ParseResult, { kind: 'malformed' }>
type Parsed<T> = { value: T } | Malformed

const malformed = (reason: string): Malformed => ({ ok: false, kind: 'malformed', reason })
const failed = <T>(parsed: Parsed<T>): parsed is Malformed => !('value' in parsed)
const then = <T, U>(parsed: Parsed<T>, next: (value: T) => Parsed<U>): Parsed<U> =>
  failed(parsed) ? parsed : next(parsed.value)

const isEventType = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type)

/** A field's value, with an empty string read as absent. */
const present = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value

const isFlat = (fields: StreamFields): fields is readonly string[] => Array.isArray(fields)

/** The entry's fields as a map; of a field given twice, the first value counts. */
function toFieldMap(fields: StreamFields): Parsed<Record<string, string>> {
  if (!isFlat(fields)) return { value: fields }
  if (fields.length % 2 !== 0)
    return malformed(`fields: odd number of values (${fields.length}); expected field/value pairs`)
  const map: Record<string, string> = {}
  for (let i = 0; i < fields.length; i += 2) map[fields[i]!] ??= fields[i + 1]!
  return { value: map }
}

const formatPath = (root: string, path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (joined, key) =>
      typeof key === 'number' ? `${joined}[${key}]` : joined ? `${joined}.${String(key)}` : String(key),
    root,
  )

const NOUNS: Record<string, string> = { object: 'an object', record: 'an object', array: 'an array' }

/** The first problem zod found, as `<field path>: <what was wrong>`. */
function reasonOf(error: z.ZodError, root: string): string {
  const [issue] = error.issues
  const where = formatPath(root, issue.path)
  if (issue.code !== 'invalid_type') return `${where}: ${issue.message}`
  if (issue.input === undefined) return `${where}: missing`
  return `${where}: expected ${NOUNS[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`
}

function check<T extends z.ZodType>(schema: T, input: unknown, root: string): Parsed<z.output<T>> {
  const result = schema.safeParse(input, { reportInput: true })
  return result.success ? { value: result.data } : malformed(reasonOf(result.error, root))
}

/** `dat`: absent, or a JSON object. */
function readDat(dat: string | undefined): Parsed<JsonObject | undefined> {
  if (dat === undefined || dat === '') return { value: undefined }
  let value: unknown
  try {
    value = JSON.parse(dat)
  } catch (error) {
    return malformed(`dat: invalid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  return isJsonObject(value) ? { value } : check(jsonObject, value, 'dat')
}

const envelopeSchema = z.object({ tsp: timestamp, seq: count.optional() })

/** A seq the schema would read as it is (a short run of digits). */
const PLAIN_SEQ = /^\d{1,15}$/

/** The timestamp and seq: read directly when plain (nearly always), by the schema otherwise. */
function readHeader(tsp: string | undefined, seq: string | undefined): Parsed<{ tsp: string; seq?: number }> {
  const timestamp = tsp === undefined ? undefined : toIsoTimestamp(tsp)
  if (timestamp !== undefined && (seq === undefined || PLAIN_SEQ.test(seq)))
    return { value: seq === undefined ? { tsp: timestamp } : { tsp: timestamp, seq: Number(seq) } }
  return check(envelopeSchema, { tsp, seq }, '')
}

/** An application event's number: `aid`, or the snapshot's own `applicationNumber`; never two. */
function applicationNumberOf(aid: string | undefined, own: string | undefined): Parsed<string> {
  if (aid && own && aid !== own)
    return malformed(`dat.applicationNumber: ${describeValue(own)} differs from aid ${describeValue(aid)}`)
  const number = aid ?? own
  return number ? { value: number } : malformed('aid: missing')
}

/** The customer a snapshot describes: `uid`, or its `customer.customer_id`; never two. */
function snapshotCustomerOf(
  uid: string | undefined,
  own: string | undefined,
  describesCustomer: boolean,
): Parsed<string | undefined> {
  if (uid && own && uid !== own)
    return malformed(`dat.customer.customer_id: ${describeValue(own)} differs from uid ${describeValue(uid)}`)
  if (describesCustomer && !uid && !own) return malformed('dat.customer.customer_id: missing, and no uid')
  return { value: uid ?? own }
}

type ConversationEventType = (typeof CONVERSATION_EVENT_TYPES)[number]
type ApplicationEventType = (typeof APPLICATION_EVENT_TYPES)[number]
const isConversationEventType = (type: EventType): type is ConversationEventType =>
  (CONVERSATION_EVENT_TYPES as readonly string[]).includes(type)

/** The event with `dat` read by `schema` and turned into its data by `build`. */
const withData = <T>(dat: JsonObject, schema: z.ZodType<T>, build: (data: T) => ChatEvent): Parsed<ChatEvent> =>
  then(check(schema, dat, 'dat'), (data) => ({ value: build(data) }))

function toConversationEvent(
  type: ConversationEventType,
  envelope: Envelope & { conversationId: string },
  dat: JsonObject,
): Parsed<ChatEvent> {
  switch (type) {
    case 'conversation_started':
      return withData(dat, conversationStartedData, (data) => ({ ...envelope, type, data }))
    case 'user_input':
    case 'assistant_response': {
      const plain = plainUtteranceData(dat)
      if (plain) return { value: { ...envelope, type, data: plain } }
      return withData(dat, utteranceData, (data) => ({ ...envelope, type, data }))
    }
    case 'final_decision':
      return withData(dat, finalDecisionData, (data) => ({ ...envelope, type, data }))
    case 'conversation_summary':
      return withData(dat, conversationSummaryData, (data) => ({ ...envelope, type, data }))
  }
}

/** A snapshot may name its application and customer itself: those must agree with `aid` and `uid`. */
function toApplicationDetailChanged(envelope: Envelope, dat: JsonObject): Parsed<ChatEvent> {
  return then(check(applicationSnapshotData, dat, 'dat'), ({ applicationNumber: own, snapshot }) => {
    const describesCustomer = snapshot.customer !== undefined || snapshot.identityDocuments !== undefined
    return then(applicationNumberOf(envelope.applicationNumber, own), (applicationNumber) =>
      then(snapshotCustomerOf(envelope.customerId, snapshot.customer?.customerId, describesCustomer), (customerId) => ({
        value: {
          ...envelope,
          applicationNumber,
          ...(customerId ? { customerId } : {}),
          type: 'applicationDetail_changed',
          data: snapshot,
        },
      })),
    )
  })
}

function toApplicationEvent(
  type: ApplicationEventType,
  envelope: Envelope,
  dat: JsonObject | undefined,
): Parsed<ChatEvent> {
  if (type === 'applicationDetail_changed')
    return dat ? toApplicationDetailChanged(envelope, dat) : malformed('dat: missing')
  const { applicationNumber } = envelope
  if (!applicationNumber) return malformed('aid: missing')
  if (!dat) return malformed('dat: missing')
  switch (type) {
    case 'identityRisk_assessment':
    case 'serviceability_assessment_results':
    case 'fraudCheck_results':
      return withData(dat, assessmentData, (data) => ({ ...envelope, applicationNumber, type, data }))
    case 'noticeboard_updated':
      return withData(dat, noticeboardData, (data) => ({ ...envelope, applicationNumber, type, data }))
  }
}

/** Conversation events need `cid`, application events `aid`; all but conversation_started need `dat`. */
function toEvent(type: EventType, envelope: Envelope, dat: JsonObject | undefined): Parsed<ChatEvent> {
  if (isConversationEventType(type)) {
    const { conversationId } = envelope
    if (!conversationId) return malformed('cid: missing')
    if (dat === undefined && type !== 'conversation_started') return malformed('dat: missing')
    return toConversationEvent(type, { ...envelope, conversationId }, dat ?? {})
  }
  return toApplicationEvent(type, envelope, dat)
}

/**
 * Reads one stream entry. Only `broker` events are projected (others: skipped, foreign_agent);
 * an unknown `typ` is skipped, not malformed. A malformed entry's reason names the field:
 * `typ: missing`, `dat: invalid JSON (…)`, `dat.decision: expected APPROVED or DECLINED, got "maybe"`.
 */
export function parse(entryId: string, fields: StreamFields): ParseResult {
  const read = toFieldMap(fields)
  if (failed(read)) return read
  const raw = read.value
  if (!isEntryId(entryId)) return malformed(`entryId: expected <ms>-<seq>, got ${describeValue(entryId)}`)
  const agent = present(raw.agt)
  const type = present(raw.typ)
  if (!agent) return malformed('agt: missing')
  if (agent !== PROJECTED_AGENT)
    return { ok: false, kind: 'skipped', reason: 'foreign_agent', ...(type ? { type } : {}) }
  if (!type) return malformed('typ: missing')
  if (!isEventType(type)) return { ok: false, kind: 'skipped', reason: 'unknown_type', type }

  const header = readHeader(present(raw.tsp), present(raw.seq))
  if (failed(header)) return header
  const dat = readDat(raw.dat)
  if (failed(dat)) return dat

  const cid = present(raw.cid)
  const aid = present(raw.aid)
  const uid = present(raw.uid)
  const envelope: Envelope = {
    entryId,
    agent: PROJECTED_AGENT,
    ...(cid ? { conversationId: cid } : {}),
    ...(aid ? { applicationNumber: aid } : {}),
    ...(uid ? { customerId: uid } : {}),
    ...(header.value.seq !== undefined ? { seq: header.value.seq } : {}),
    timestamp: header.value.tsp,
  }
  const event = toEvent(type, envelope, dat.value)
  return failed(event) ? event : { ok: true, event: event.value }
}
