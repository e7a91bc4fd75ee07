/**
 * A realistic, deterministic chatLedger corpus: the field maps a producer would XADD, in the
 * interleaved order concurrent chats produce them. Same options, same corpus, on any machine:
 * all randomness comes from the seed, all timestamps from `startAt`.
 */
import { type Random, seededRandom } from './random'
import {
  CLOSING_LINES,
  EMOJI,
  EMPLOYERS,
  FIRST_NAMES,
  HOSTILE_TEXT,
  INTERVIEW,
  type InterviewFacts,
  LAST_NAMES,
  LOAN_PURPOSES,
  LOCALITIES,
  PROCESS_STAGES,
  SMALL_TALK,
  STREETS,
  TITLES,
  withThousands,
} from './sampleData'
import type { JsonObject } from './types'

/** One stream entry's fields, as given to XADD. */
export type StreamEntryFields = Record<string, string>

export type CorpusOptions = {
  seed: number
  /** How many conversations; or give `events` for a corpus of exactly that many entries. */
  conversations?: number
  events?: number
  /** Lines per conversation (default 12). */
  utterancesPerConversation?: number
  /** Entries that are invalid (each is dead-lettered): bad JSON, no typ, seq "abc", … */
  malformed?: number
  /** Utterances the producer XADDs twice (identical fields, a second entry id). */
  retries?: number
  /** Entries written by other agents (skipped by the projection). */
  foreignAgents?: number
  /** The first conversation's clock starts here (default 2025-03-03T09:00:00.000Z). */
  startAt?: string
}

export const DEFAULT_START = '2025-03-03T09:00:00.000Z'
const DEFAULT_UTTERANCES = 12
/** Entries a conversation writes besides its utterances (start, snapshots, checks, notes, end). */
const OTHER_EVENTS_PER_CONVERSATION = 18

type Scheduled = { at: number; fields: StreamEntryFields }

type Persona = InterviewFacts & {
  customerId: string
  title: string
  middleName: string | null
  preferredName: string
  staff: boolean
  ekycEntityId: string
  licence: string
  passport: string
}

type Ids = { conversationId: string; applicationNumber: string; customerId: string }

const hex = (random: Random, length: number) => Array.from({ length }, () => random.int(0, 15).toString(16)).join('')

const twoDigits = (n: number) => String(n).padStart(2, '0')

const digits = (random: Random, length: number) => Array.from({ length }, () => random.int(0, 9)).join('')

function persona(random: Random, customerNumber: number): Persona {
  const firstName = random.pick(FIRST_NAMES)
  const lastName = random.pick(LAST_NAMES)
  const locality = random.pick(LOCALITIES)
  const loanAmount = random.int(4, 100) * 50
  return {
    customerId: `CUS-${String(customerNumber).padStart(7, '0')}`,
    title: random.pick(TITLES),
    firstName,
    middleName: random.chance(0.4) ? random.pick(FIRST_NAMES) : null,
    lastName,
    preferredName: random.chance(0.2) ? firstName.slice(0, 3) : firstName,
    dateOfBirth: `${random.int(1955, 2004)}-${twoDigits(random.int(1, 12))}-${twoDigits(random.int(1, 28))}`,
    street: `${random.int(1, 250)} ${random.pick(STREETS)}`,
    ...locality,
    email: `${firstName}.${lastName}${random.int(1, 99)}@example.com.au`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
    mobile: `04${digits(random, 2)} ${digits(random, 3)} ${digits(random, 3)}`,
    loanPurpose: random.pick(LOAN_PURPOSES),
    loanAmount,
    loanTerm: random.pick([3, 6, 12, 18, 24]),
    income: random.int(18, 90) * 100,
    employer: random.pick(EMPLOYERS),
    rent: random.int(6, 30) * 50,
    staff: random.chance(0.03),
    ekycEntityId: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    licence: digits(random, random.int(8, 10)),
    passport: `P${random.pick(['A', 'B', 'E', 'N'])}${digits(random, 7)}`,
  }
}

const randomCase = (random: Random, word: string) =>
  random.pick([word.toUpperCase(), word.toLowerCase(), word[0]!.toUpperCase() + word.slice(1).toLowerCase()])

/** A value as the producer sometimes sends it: a number, or the number as a string. */
const loosely = (random: Random, amount: number): number | string => (random.chance(0.5) ? amount.toFixed(2) : amount)

const wrapped = (random: Random, value: string) => (random.chance(0.7) ? { value } : value)

function customerJson(random: Random, person: Persona, verified: boolean): JsonObject {
  const address = {
    street: person.street,
    city: person.city,
    state: person.state,
    postcode: person.postcode,
    country: 'Australia',
  }
  return {
    customer_id: person.customerId,
    title: person.title,
    preferred_name: person.preferredName,
    first_name: person.firstName,
    middle_name: person.middleName,
    last_name: person.lastName,
    email_address: wrapped(random, person.email),
    mobile_phone_number: wrapped(random, person.mobile),
    date_of_birth: person.dateOfBirth,
    residential_address: address,
    mailing_address: random.chance(0.8) ? address : { ...address, street: `PO Box ${random.int(100, 9999)}` },
    staff_flag: person.staff,
    investor_flag: false,
    founder_flag: false,
    ekyc_entity_id: person.ekycEntityId,
    ekyc_status: verified ? 'successful' : 'pending',
    individual_status: 'LIVING',
  }
}

function identityDocumentsJson(random: Random, person: Persona): JsonObject[] {
  const licence = {
    document_type: 'DRIVERS_LICENCE',
    document_number: person.licence,
    state_of_issue: person.state,
    country_of_issue: 'Australia',
    expiry_date: `${random.int(2026, 2034)}-${twoDigits(random.int(1, 12))}-15`,
    additional_info: { card_number: digits(random, 10) },
  }
  const medicare = {
    document_type: 'MEDICARE',
    document_subtype: random.pick(['GREEN', 'BLUE', 'YELLOW']),
    document_number: digits(random, 10),
    expiry_date: `${random.int(2026, 2030)}-${twoDigits(random.int(1, 12))}-01`,
    additional_info: {
      individual_reference_number: random.int(1, 5),
      name_on_card: `${person.firstName} ${person.lastName}`,
    },
  }
  const passport = { document_type: 'PASSPORT', document_number: person.passport, country_of_issue: 'Australia' }
  return random.chance(0.7) ? [licence, medicare] : [passport]
}

function processJson(stageReached: number): JsonObject {
  const current = PROCESS_STAGES[Math.min(stageReached, PROCESS_STAGES.length - 1)]!
  return {
    currentProcessStage: current.stageName,
    currentProcessStep: current.steps[0],
    applicationProcessState: PROCESS_STAGES.map((stage, index) => ({
      stageName: stage.stageName,
      complete: index < stageReached,
      steps: stage.steps.map((stepName) => ({
        stepName,
        complete: index < stageReached,
        type: stepName === 'statement_capture' || stepName === 'decision' ? 'business_logic' : 'llm',
      })),
    })),
  }
}

/** An applicationDetail_changed `dat` once the interview reached `stage`. */
function snapshotJson(random: Random, ids: Ids, person: Persona, stage: number): JsonObject {
  const loan: JsonObject =
    stage < 1
      ? {}
      : { loanPurpose: person.loanPurpose, loanAmount: loosely(random, person.loanAmount), loanTerm: person.loanTerm }
  if (stage >= 1 && random.chance(0.5)) {
    const fee = Math.round(person.loanAmount * 5) / 100
    loan.loanFee = loosely(random, fee)
    loan.loanTotalPayable = loosely(random, person.loanAmount + fee)
  }
  return {
    applicationNumber: ids.applicationNumber,
    ...loan,
    statementCaptureConsentProvided: stage >= 2,
    statementCaptureCompleted: stage >= 2,
    productOfferAcceptance: stage >= 3,
    customerAttestationAcceptance: stage >= 3,
    applicationOutcome: randomCase(random, 'pending'),
    applicationProcess: processJson(stage),
    customer: customerJson(random, person, stage >= 1),
    ...(stage === 0 || random.chance(0.3) ? { customerIdentityDocuments: identityDocumentsJson(random, person) } : {}),
  }
}

type Verdict = { approved: boolean; riskScore: number; fraudScore: number; surplus: number }

function verdictOf(random: Random, person: Persona): Verdict {
  const riskScore = random.int(3, 95)
  const fraudScore = Math.round(random.next() * 10_000) / 100
  const repayment = Math.round(((person.loanAmount * 1.05) / person.loanTerm) * 100) / 100
  const surplus = Math.round(person.income - person.rent - 1_100 - repayment)
  return { approved: riskScore < 80 && fraudScore < 85 && surplus > 0, riskScore, fraudScore, surplus }
}

const band = (score: number) => (score < 35 ? 'LOW' : score < 70 ? 'MEDIUM' : 'HIGH')

function identityRiskJson(person: Persona, verdict: Verdict, at: string): JsonObject {
  return {
    provider: 'FrankieOne',
    entityId: person.ekycEntityId,
    riskScore: verdict.riskScore,
    riskBand: band(verdict.riskScore),
    ekycStatus: 'successful',
    documentVerified: true,
    addressVerified: verdict.riskScore < 70,
    pepMatch: false,
    sanctionsMatch: false,
    watchlistHits: verdict.riskScore > 85 ? 1 : 0,
    checkedAt: at,
  }
}

function serviceabilityJson(random: Random, person: Persona, verdict: Verdict): JsonObject {
  const livingExpenses = 1_100
  return {
    monthlyIncome: person.income,
    incomeSources: [{ employer: person.employer, amount: Math.round(person.income / 2.17), frequency: 'fortnightly' }],
    monthlyRent: person.rent,
    monthlyLivingExpenses: livingExpenses,
    hemBenchmark: 1_350,
    monthlyDebtRepayments: random.pick([0, 0, 120, 250]),
    netMonthlySurplus: verdict.surplus,
    debtToIncomeRatio: Math.round(((person.rent + livingExpenses) / person.income) * 100) / 100,
    serviceable: verdict.surplus > 0,
    maxServiceableAmount: Math.max(0, verdict.surplus * person.loanTerm),
    statementDays: 90,
    flags: random.chance(0.1) ? ['gambling_transactions'] : [],
  }
}

function fraudCheckJson(random: Random, verdict: Verdict): JsonObject {
  return {
    provider: 'Sift',
    fraudScore: verdict.fraudScore,
    result: verdict.fraudScore < 60 ? 'PASS' : verdict.fraudScore < 85 ? 'REVIEW' : 'FAIL',
    deviceRisk: random.pick(['low', 'low', 'medium']),
    ipCountry: 'AU',
    emailAgeDays: random.int(30, 4000),
    phoneTenureMonths: random.int(1, 120),
    velocityHits: random.int(0, 2),
  }
}

type LineDetail = { rationale?: string; inputType?: string; extra?: JsonObject; ends?: boolean }

/** An utterance `dat` in the long or the short spelling, at random. */
function utteranceJson(random: Random, text: string, detail: LineDetail, previousLine: number | null): JsonObject {
  const ends = detail.ends
    ? random.pick([true, 'true'])
    : random.chance(0.2)
      ? random.pick([false, 'false'])
      : undefined
  const optional = (key: string, value: JsonObject[string] | undefined): JsonObject =>
    value === undefined ? {} : { [key]: value }
  if (random.chance(0.5)) {
    return {
      u: text,
      ...optional('r', detail.rationale),
      ...optional('a', detail.inputType),
      ...optional('d', detail.extra),
      ...optional('e', ends),
    }
  }
  return {
    utterance: text,
    ...optional('rationale', detail.rationale),
    ...optional('answer_input_type', detail.inputType),
    ...optional('additional_data', detail.extra),
    ...optional('end_conversation', ends),
    ...optional('prev_seq', previousLine ?? undefined),
  }
}

/** Appends one conversation's entries, keeping its clock and its `seq` (which numbers all its events). */
function conversationWriter(random: Random, ids: Ids, startsAt: number) {
  const script: Scheduled[] = []
  let clock = startsAt
  let seq = 0
  let previousLine: number | null = null
  const emit = (typ: string, dat: JsonObject | undefined, pause: number, alwaysKeyed = true) => {
    clock += pause
    seq += 1
    // Utterances sometimes leave aid and uid out of the envelope.
    const keyed = alwaysKeyed || random.chance(0.8)
    script.push({
      at: clock,
      fields: {
        agt: 'broker',
        typ,
        cid: ids.conversationId,
        ...(keyed ? { aid: ids.applicationNumber, uid: ids.customerId } : {}),
        seq: String(seq),
        tsp: new Date(clock).toISOString(),
        ...(dat ? { dat: JSON.stringify(dat) } : {}),
      },
    })
  }
  return {
    script,
    now: () => new Date(clock).toISOString(),
    emit,
    say: (speaker: 'customer' | 'assistant', text: string, detail: LineDetail) => {
      const pause = speaker === 'customer' ? random.int(4_000, 40_000) : random.int(900, 4_000)
      emit(
        speaker === 'customer' ? 'user_input' : 'assistant_response',
        utteranceJson(random, text, detail, previousLine),
        pause,
        false,
      )
      previousLine = seq
    },
    note: (agentName: string, content: string) =>
      emit('noticeboard_updated', { agentName, content }, random.int(100, 900)),
  }
}

type Writer = ReturnType<typeof conversationWriter>
type Story = { random: Random; ids: Ids; person: Persona; verdict: Verdict; writer: Writer }

/** What happens besides the talk, each once the interview is that far along (a fraction of the lines). */
function milestones({ random, ids, person, verdict, writer }: Story): Array<[number, () => void]> {
  const { emit, note } = writer
  const snapshot = (stage: number) =>
    emit('applicationDetail_changed', snapshotJson(random, ids, person, stage), random.int(200, 900))
  const surplus = `$${withThousands(verdict.surplus)}`
  return [
    [0.1, () => snapshot(0)],
    [0.35, () => snapshot(1)],
    [
      0.45,
      () => {
        emit('identityRisk_assessment', identityRiskJson(person, verdict, writer.now()), random.int(1_000, 5_000))
        note('IdentityAgent', `eKYC passed with FrankieOne; risk ${band(verdict.riskScore)} (${verdict.riskScore}).`)
      },
    ],
    [
      0.6,
      () => {
        snapshot(2)
        emit('serviceability_assessment_results', serviceabilityJson(random, person, verdict), random.int(2_000, 9_000))
        note('ServiceabilityAgent', `90 days of statements read; surplus ${surplus} a month.`)
      },
    ],
    [
      0.7,
      () => {
        emit('fraudCheck_results', fraudCheckJson(random, verdict), random.int(500, 3_000))
        note('FraudAgent', `Fraud score ${verdict.fraudScore}.`)
      },
    ],
    [
      0.8,
      () => {
        note(
          'ServiceabilityAgent',
          `Rechecked after rent confirmed: surplus ${surplus}; ${verdict.surplus > 0 ? '' : 'not '}serviceable.`,
        )
        note('UnderwritingAgent', 'Checks complete; preparing an offer.')
      },
    ],
    [
      0.9,
      () => {
        snapshot(3)
        note('UnderwritingAgent', verdict.approved ? 'Offer accepted; recommending approval.' : 'Recommending decline.')
        note('IdentityAgent', 'Identity documents re-verified against the final snapshot.')
      },
    ],
  ]
}

/** Line `line` of the interview: the assistant asks (even lines), the customer answers. */
function speak({ random, person, writer }: Story, line: number, last: boolean, decides: boolean): void {
  const turn = Math.floor(line / 2)
  const step = INTERVIEW[turn]
  if (line % 2 === 0) {
    const text = last
      ? random.pick(CLOSING_LINES)
      : step
        ? step.ask(person.preferredName)
        : SMALL_TALK[turn % SMALL_TALK.length]![1]
    writer.say('assistant', text, {
      rationale: step ? `Collecting ${step.step}` : 'Answering a question',
      inputType: step?.answerInputType,
      ends: last,
    })
    return
  }
  const abandons = last && !decides
  const text = abandons ? "Sorry, I have to go. I'll finish this later." : customerLine(random, person, turn)
  writer.say('customer', text, {
    ends: abandons,
    extra: step?.answerInputType === 'currency' ? { amount: person.loanAmount } : undefined,
  })
}

/** One conversation's entries, clocked from `startsAt`. */
function scriptConversation(
  random: Random,
  ids: Ids,
  person: Persona,
  utterances: number,
  startsAt: number,
): Scheduled[] {
  const story: Story = {
    random,
    ids,
    person,
    verdict: verdictOf(random, person),
    writer: conversationWriter(random, ids, startsAt),
  }
  const { writer, verdict } = story
  const decides = random.chance(0.85)
  const pending = milestones(story)
  const runMilestones = (line: number) => {
    while (pending.length > 0 && pending[0]![0] * utterances <= line) pending.shift()![1]()
  }
  let decided = false
  const decide = () => {
    decided = true
    writer.emit('conversation_summary', summaryJson(random, person), random.int(500, 2_000))
    if (decides)
      writer.emit(
        'final_decision',
        { decision: randomCase(random, verdict.approved ? 'approved' : 'declined') },
        random.int(500, 3_000),
      )
  }

  writer.emit('conversation_started', { channel: random.pick(['web', 'ios', 'android']) }, 0)
  for (let line = 0; line < utterances; line++) {
    const last = line === utterances - 1
    runMilestones(last ? Infinity : line)
    // The closing line comes after the decision in half the conversations, before it in the rest.
    if (last && random.chance(0.5)) decide()
    speak(story, line, last, decides)
  }
  runMilestones(Infinity)
  if (!decided) decide()
  return writer.script
}

function customerLine(random: Random, person: Persona, turn: number): string {
  if (random.chance(0.03)) return HOSTILE_TEXT
  const text = INTERVIEW[turn]?.answer(person) ?? SMALL_TALK[turn % SMALL_TALK.length]![0]
  return random.chance(0.1) ? `${text} ${random.pick(EMOJI)}` : text
}

function summaryJson(random: Random, person: Persona): JsonObject {
  return {
    conversation_purpose: `Personal loan application: ${person.loanPurpose.toLowerCase()}`,
    conversation_facts: [
      `Requested $${withThousands(person.loanAmount)} over ${person.loanTerm} months`,
      { fact: `Works for ${person.employer}` },
      ...(random.chance(0.5) ? [{ category: 'income', detail: `$${withThousands(person.income)} a month` }] : []),
      `Lives in ${person.city} ${person.state}`,
    ],
  }
}

const MALFORMED_KINDS = [
  'badJson',
  'missingTyp',
  'seqNotNumber',
  'decisionMaybe',
  'hugeUtterance',
  'badTimestamp',
  'missingCid',
  'datNotObject',
] as const
type MalformedKind = (typeof MALFORMED_KINDS)[number]
/** After the first round: one 1 MB utterance makes the point, more would only bloat the stream. */
const REPEATED_KINDS = MALFORMED_KINDS.filter((kind) => kind !== 'hugeUtterance')
const malformedKind = (index: number): MalformedKind =>
  MALFORMED_KINDS[index] ?? REPEATED_KINDS[(index - MALFORMED_KINDS.length) % REPEATED_KINDS.length]!

/** A broken entry of some conversation, of the given kind. */
function malformedEntry(kind: MalformedKind, base: StreamEntryFields): StreamEntryFields {
  const { dat: _dat, ...envelope }: StreamEntryFields = base
  const line: StreamEntryFields = { ...envelope, typ: 'user_input' }
  switch (kind) {
    case 'badJson':
      return { ...line, dat: '{"utterance": "I earn $5,000' }
    case 'missingTyp': {
      const { typ: _typ, ...untyped } = line
      return { ...untyped, dat: JSON.stringify({ u: 'Hello?' }) }
    }
    case 'seqNotNumber':
      return { ...line, seq: 'abc', dat: JSON.stringify({ u: 'Hi' }) }
    case 'decisionMaybe':
      return { ...envelope, typ: 'final_decision', dat: JSON.stringify({ decision: 'maybe' }) }
    case 'hugeUtterance':
      return { ...line, dat: JSON.stringify({ utterance: 'x'.repeat(1024 * 1024) }) }
    case 'badTimestamp':
      return { ...line, tsp: 'yesterday at 3pm', dat: JSON.stringify({ u: 'Hi' }) }
    case 'missingCid': {
      const { cid: _cid, ...anonymous } = line
      return { ...anonymous, dat: JSON.stringify({ u: 'Hi' }) }
    }
    case 'datNotObject':
      return { ...envelope, typ: 'noticeboard_updated', dat: JSON.stringify(['not', 'an', 'object']) }
  }
}

const FOREIGN_AGENTS = ['underwriter', 'crm-sync', 'analytics'] as const

const insertAnywhere = (random: Random, stream: StreamEntryFields[], entry: StreamEntryFields) =>
  stream.splice(random.int(0, stream.length), 0, entry)

function addDisorder(random: Random, stream: StreamEntryFields[], options: CorpusOptions): StreamEntryFields[] {
  const isLine = (entry: StreamEntryFields) => entry.typ === 'user_input' || entry.typ === 'assistant_response'
  const withAllKeys = stream.filter((entry) => entry.aid !== undefined)
  for (let i = 0; i < (options.retries ?? 0); i++) {
    const lines = stream.flatMap((entry, index) => (isLine(entry) && entry.agt === 'broker' ? [index] : []))
    const index = random.pick(lines)
    stream.splice(index + random.int(1, 3), 0, { ...stream[index]! })
  }
  for (let i = 0; i < (options.foreignAgents ?? 0); i++) {
    insertAnywhere(random, stream, { ...random.pick(withAllKeys), agt: random.pick(FOREIGN_AGENTS) })
  }
  for (let i = 0; i < (options.malformed ?? 0); i++) {
    insertAnywhere(random, stream, malformedEntry(malformedKind(i), random.pick(withAllKeys)))
  }
  return stream
}

function conversationCount(options: CorpusOptions): number {
  if (options.conversations !== undefined) return options.conversations
  if (options.events === undefined) throw new Error('generateCorpus: give conversations or events')
  const perConversation = (options.utterancesPerConversation ?? DEFAULT_UTTERANCES) + OTHER_EVENTS_PER_CONVERSATION
  // Some conversations end early: aim 20% over, the corpus is then cut to exactly `events`.
  return Math.ceil((options.events / perConversation) * 1.2) + 1
}

/**
 * Conversations interleaved as concurrent chats write them, plus the requested disorder:
 * producer retries, foreign agents' entries, malformed entries. With `events`, exactly that
 * many entries (the stream cut at that point).
 */
export function generateCorpus(options: CorpusOptions): StreamEntryFields[] {
  const random = seededRandom(options.seed)
  const start = Date.parse(options.startAt ?? DEFAULT_START)
  const utterances = options.utterancesPerConversation ?? DEFAULT_UTTERANCES
  const count = conversationCount(options)
  const firstApplication = random.int(1, 800_000)
  const firstCustomer = random.int(1, 8_000_000)
  const people: Persona[] = []
  const scheduled: Array<Scheduled & { order: number }> = []
  for (let index = 0; index < count; index++) {
    // One customer in ten comes back for another loan.
    const returning = index > 0 && random.chance(0.1)
    const person = returning ? random.pick(people) : persona(random, firstCustomer + index)
    people.push(person)
    const ids = {
      conversationId: `conv-${hex(random, 12)}`,
      applicationNumber: `APP-${String(firstApplication + index).padStart(6, '0')}`,
      customerId: person.customerId,
    }
    const startsAt = start + random.int(0, count * 20_000)
    for (const entry of scriptConversation(random, ids, person, utterances, startsAt))
      scheduled.push({ ...entry, order: scheduled.length })
  }
  const stream = scheduled.sort((a, b) => a.at - b.at || a.order - b.order).map((entry) => entry.fields)
  // With `events`, the clean stream is cut first, so every requested retry, foreign entry and
  // malformed entry is in the corpus and the total is exactly `events`.
  const disorder = (options.retries ?? 0) + (options.foreignAgents ?? 0) + (options.malformed ?? 0)
  const clean = options.events === undefined ? stream : stream.slice(0, Math.max(0, options.events - disorder))
  return addDisorder(random, clean, options)
}

/** One conversation of `utterances` lines with everything else a conversation writes (for benchmarks). */
export function generateLongConversation({
  utterances,
  seed,
  startAt = DEFAULT_START,
}: {
  utterances: number
  seed: number
  startAt?: string
}): StreamEntryFields[] {
  const random = seededRandom(seed)
  const person = persona(random, random.int(1, 8_000_000))
  const ids = {
    conversationId: `conv-${hex(random, 12)}`,
    applicationNumber: `APP-${String(random.int(1, 800_000)).padStart(6, '0')}`,
    customerId: person.customerId,
  }
  return scriptConversation(random, ids, person, utterances, Date.parse(startAt)).map((entry) => entry.fields)
}
