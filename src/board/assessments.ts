/**
 * The assessing agents send arbitrary JSON (identity risk, serviceability, fraud check). These
 * pure functions turn it into what a supervisor reads first: a verdict, the key figures, the
 * flags. Keys are matched loosely (case, `_` and `-` ignored) and anything not recognised is
 * still listed as a detail; the raw JSON stays one click away in the view.
 */
import { formatDateTime, formatMoney, formatNumber, humanize } from '@/lib/format'
import type { Marker, Tone } from './types'

export type AssessmentKind = 'identityRisk' | 'serviceability' | 'fraudCheck'
export type Figure = { label: string; value: string; tone?: Tone }
export type Verdict = { label: string; tone: Tone }

export type AssessmentSummary = {
  kind: AssessmentKind
  title: string
  present: boolean
  verdict: Verdict | null
  figures: Figure[]
  flags: string[]
  details: Figure[]
}

type JsonObject = Record<string, unknown>

export const ASSESSMENT_TITLES: Record<AssessmentKind, string> = {
  identityRisk: 'Identity risk',
  serviceability: 'Serviceability',
  fraudCheck: 'Fraud check',
}

const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '')

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The first entry whose key is one of `names` (normalised). */
function find(source: JsonObject, names: string[]): [string, unknown] | undefined {
  const wanted = new Set(names)
  return Object.entries(source).find(([key, value]) => wanted.has(norm(key)) && value !== null && value !== undefined)
}

const OK_WORDS =
  /^(low|verylow|pass|passed|clear|cleared|ok|approve|approved|verified|successful|success|accept|accepted|green|true|yes|serviceable)$/
const WARN_WORDS =
  /^(medium|moderate|review|refer|referred|pending|manual|manualreview|amber|caution|warn|warning|unknown)$/
const BAD_WORDS =
  /^(high|veryhigh|critical|severe|fail|failed|decline|declined|reject|rejected|red|blocked|deny|denied|false|no|unserviceable|notserviceable)$/

/** How a word such as "LOW", "REVIEW" or "FAIL" reads. */
export function toneOfWord(value: unknown): Tone {
  if (typeof value === 'boolean') return value ? 'ok' : 'bad'
  if (typeof value !== 'string') return 'neutral'
  const word = norm(value)
  if (OK_WORDS.test(word)) return 'ok'
  if (WARN_WORDS.test(word)) return 'warn'
  if (BAD_WORDS.test(word)) return 'bad'
  return 'neutral'
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/
const MONEY_KEY = /income|expense|rent|repayment|surplus|deficit|amount|benchmark|balance|salary|debt|payable|fee|hem/

/** A JSON value as one line of text (never HTML). */
export function displayValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (typeof value === 'number') {
    const k = norm(key)
    if (MONEY_KEY.test(k) && !/ratio|count|days|months|hits/.test(k)) return formatMoney(value)
    return formatNumber(value)
  }
  if (typeof value === 'string')
    return ISO_DATE.test(value) && value.length > 10 ? `${formatDateTime(value, 'UTC')} UTC` : value
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none'
    if (value.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item)))
      return value.map((item) => displayValue(key, item)).join(', ')
    return `${value.length} item${value.length === 1 ? '' : 's'} (see raw JSON)`
  }
  if (isObject(value)) return `${Object.keys(value).length} fields (see raw JSON)`
  return String(value)
}

const figure = (entry: [string, unknown] | undefined, tone?: Tone, label?: string): Figure | undefined =>
  entry
    ? { label: label ?? humanize(entry[0]), value: displayValue(entry[0], entry[1]), ...(tone ? { tone } : {}) }
    : undefined

/** Strings from an array of flags: plain strings, or objects with a name/description. */
function flagList(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((item) => {
    if (typeof item === 'string') return [humanize(item)]
    if (isObject(item)) {
      const text = find(item, ['description', 'message', 'reason', 'name', 'code', 'flag', 'rule', 'type'])
      return text && typeof text[1] === 'string' ? [text[1]] : [JSON.stringify(item)]
    }
    return item === null || item === undefined ? [] : [String(item)]
  })
}

const FLAG_ARRAYS = [
  'flags',
  'warnings',
  'alerts',
  'redflags',
  'riskflags',
  'reasons',
  'reasoncodes',
  'triggeredrules',
  'rules',
  'issues',
]

/** Flags an assessment raises anywhere at its top level: lists of flags, true matches, failed verifications, hits. */
function collectFlags(source: JsonObject): string[] {
  const flags: string[] = []
  for (const [key, value] of Object.entries(source)) {
    const k = norm(key)
    if (FLAG_ARRAYS.includes(k)) flags.push(...flagList(value))
    else if (
      typeof value === 'boolean' &&
      value &&
      /(pep|sanction|watchlist|adverse|deceased|fraud|mismatch|blacklist|match)$/.test(k) &&
      !/nomatch/.test(k)
    )
      flags.push(humanize(key))
    else if (typeof value === 'boolean' && !value && /(verified|passed|matched|valid)$/.test(k))
      flags.push(`${humanize(key)}: no`)
    else if (typeof value === 'number' && value > 0 && /(hits|matches|alerts)$/.test(k))
      flags.push(`${humanize(key)}: ${formatNumber(value)}`)
    else if (typeof value === 'string' && /status$/.test(k) && toneOfWord(value) === 'bad')
      flags.push(`${humanize(key)}: ${value}`)
  }
  return flags
}

function details(source: JsonObject, shown: Set<string>): Figure[] {
  return Object.entries(source)
    .filter(([key]) => !shown.has(key) && !FLAG_ARRAYS.includes(norm(key)))
    .map(([key, value]) => ({ label: humanize(key), value: displayValue(key, value) }))
}

function summary(
  kind: AssessmentKind,
  raw: unknown,
  build: (source: JsonObject) => { verdict: Verdict | null; figures: Array<Figure | undefined>; used: string[] },
): AssessmentSummary {
  const title = ASSESSMENT_TITLES[kind]
  if (raw === null || raw === undefined)
    return { kind, title, present: false, verdict: null, figures: [], flags: [], details: [] }
  if (!isObject(raw)) {
    return {
      kind,
      title,
      present: true,
      verdict: null,
      figures: [{ label: 'Result', value: displayValue(kind, raw), tone: toneOfWord(raw) }],
      flags: [],
      details: [],
    }
  }
  const { verdict, figures, used } = build(raw)
  return {
    kind,
    title,
    present: true,
    verdict,
    figures: figures.filter((item): item is Figure => Boolean(item)),
    flags: collectFlags(raw),
    details: details(raw, new Set(used)),
  }
}

const RESULT_KEYS = ['result', 'outcome', 'decision', 'recommendation', 'status', 'verdict', 'overallresult']

export function summariseIdentityRisk(raw: unknown): AssessmentSummary {
  return summary('identityRisk', raw, (source) => {
    const band = find(source, ['riskband', 'risklevel', 'riskrating', 'riskcategory', 'band', 'level', 'rating'])
    const score = find(source, ['riskscore', 'identityriskscore', 'score'])
    const result = find(source, RESULT_KEYS)
    const ekyc = find(source, ['ekycstatus', 'kycstatus', 'verificationstatus'])
    const provider = find(source, ['provider', 'vendor', 'source'])
    const checked = find(source, ['checkedat', 'assessedat', 'timestamp', 'createdat'])
    const bandText = band && typeof band[1] === 'string' ? band[1] : undefined
    const verdict: Verdict | null = bandText
      ? {
          label: `${humanize(bandText)} risk${score ? ` (${displayValue(score[0], score[1])})` : ''}`,
          tone: toneOfWord(bandText),
        }
      : result
        ? { label: humanize(String(result[1])), tone: toneOfWord(result[1]) }
        : null
    return {
      verdict,
      figures: [
        figure(score, undefined, 'Risk score'),
        figure(band, toneOfWord(band?.[1]), 'Risk band'),
        figure(ekyc, toneOfWord(ekyc?.[1]), 'eKYC'),
        figure(provider),
        figure(checked, undefined, 'Checked'),
      ],
      used: [score, band, result, ekyc, provider, checked].flatMap((entry) => (entry ? [entry[0]] : [])),
    }
  })
}

export function summariseServiceability(raw: unknown): AssessmentSummary {
  return summary('serviceability', raw, (source) => {
    const serviceable = find(source, ['serviceable', 'isserviceable', 'affordable', 'passed', 'pass'])
    const result = find(source, RESULT_KEYS)
    const surplus = find(source, [
      'netmonthlysurplus',
      'monthlysurplus',
      'netsurplus',
      'surplus',
      'disposableincome',
      'uncommittedincome',
    ])
    const income = find(source, ['monthlyincome', 'netmonthlyincome', 'income', 'totalincome', 'netincome'])
    const rent = find(source, ['monthlyrent', 'rent', 'housingcost', 'housing'])
    const expenses = find(source, ['monthlylivingexpenses', 'livingexpenses', 'monthlyexpenses', 'expenses'])
    const debts = find(source, ['monthlydebtrepayments', 'debtrepayments', 'monthlydebts'])
    const ratio = find(source, ['debttoincomeratio', 'dti', 'dtiratio'])
    const max = find(source, ['maxserviceableamount', 'maxloanamount', 'maxamount', 'maximumamount'])
    const surplusValue = typeof surplus?.[1] === 'number' ? surplus[1] : undefined
    const verdict: Verdict | null =
      typeof serviceable?.[1] === 'boolean'
        ? { label: serviceable[1] ? 'Serviceable' : 'Not serviceable', tone: serviceable[1] ? 'ok' : 'bad' }
        : result
          ? { label: humanize(String(result[1])), tone: toneOfWord(result[1]) }
          : surplusValue !== undefined
            ? { label: surplusValue >= 0 ? 'Surplus' : 'Shortfall', tone: surplusValue >= 0 ? 'ok' : 'bad' }
            : null
    return {
      verdict,
      figures: [
        figure(surplus, surplusValue === undefined ? undefined : surplusValue >= 0 ? 'ok' : 'bad', 'Monthly surplus'),
        figure(income, undefined, 'Monthly income'),
        figure(rent, undefined, 'Rent'),
        figure(expenses, undefined, 'Living expenses'),
        figure(debts, undefined, 'Debt repayments'),
        figure(ratio, undefined, 'Debt to income'),
        figure(max, undefined, 'Max serviceable'),
      ],
      used: [serviceable, result, surplus, income, rent, expenses, debts, ratio, max].flatMap((entry) =>
        entry ? [entry[0]] : [],
      ),
    }
  })
}

export function summariseFraudCheck(raw: unknown): AssessmentSummary {
  return summary('fraudCheck', raw, (source) => {
    const result = find(source, RESULT_KEYS)
    const score = find(source, ['fraudscore', 'riskscore', 'score'])
    const device = find(source, ['devicerisk', 'devicerisklevel'])
    const provider = find(source, ['provider', 'vendor', 'source'])
    const verdict: Verdict | null = result
      ? {
          label: `${humanize(String(result[1]))}${score ? ` (${displayValue(score[0], score[1])})` : ''}`,
          tone: toneOfWord(result[1]),
        }
      : null
    return {
      verdict,
      figures: [
        figure(score, undefined, 'Fraud score'),
        figure(result, toneOfWord(result?.[1]), 'Result'),
        figure(device, toneOfWord(device?.[1]), 'Device risk'),
        figure(provider),
      ],
      used: [result, score, device, provider].flatMap((entry) => (entry ? [entry[0]] : [])),
    }
  })
}

export type Assessments = { identityRisk?: unknown; serviceability?: unknown; fraudCheck?: unknown } | null | undefined

export function summariseAssessments(assessments: Assessments): AssessmentSummary[] {
  return [
    summariseIdentityRisk(assessments?.identityRisk),
    summariseServiceability(assessments?.serviceability),
    summariseFraudCheck(assessments?.fraudCheck),
  ]
}

const SHORT: Record<AssessmentKind, string> = { identityRisk: 'ID', serviceability: 'Service', fraudCheck: 'Fraud' }

/** The card's risk markers: one per assessment received (its verdict), and the flags raised. */
export function riskMarkers(assessments: Assessments): Marker[] {
  const summaries = summariseAssessments(assessments).filter((item) => item.present)
  const markers: Marker[] = summaries.map((item) => ({
    key: item.kind,
    label:
      item.kind === 'serviceability' && item.verdict
        ? item.verdict.label
        : `${SHORT[item.kind]}: ${item.verdict?.label ?? 'received'}`,
    tone: item.verdict?.tone ?? 'neutral',
    title: item.title,
  }))
  const flags = summaries.flatMap((item) => item.flags)
  if (flags.length)
    markers.push({
      key: 'flags',
      label: `${flags.length} flag${flags.length === 1 ? '' : 's'}`,
      tone: 'warn',
      title: flags.join('\n'),
    })
  return markers
}
