/** Display formats shared by the views. Pure; locale fixed to the business's (en-AU). */
const LOCALE = 'en-AU'

const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'AUD' })
const number = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 })

export const formatMoney = (value: number | null | undefined): string =>
  typeof value === 'number' && Number.isFinite(value) ? money.format(value) : '—'

export const formatNumber = (value: number): string => number.format(value)

/** "12s ago", "4m ago", "3h ago", "2d ago"; a time in the future (producer clocks) is "just now". */
export function timeAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return 'no messages yet'
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return '—'
  const seconds = Math.floor((now - at) / 1000)
  if (seconds < 5) return 'just now'
  if (seconds < 60) return `${seconds}s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours}h ${minutes % 60}m ago`
  return `${Math.floor(hours / 24)}d ago`
}

/** A date and time in the reader's zone, or in `timeZone` (the server renders in UTC). */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date)
}

export function formatTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  return new Intl.DateTimeFormat(LOCALE, { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZone }).format(
    date,
  )
}

export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone }).format(date)
}

/** "riskScore" / "risk_score" / "RISK-SCORE" → "Risk score". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase()
  return words ? words[0]!.toUpperCase() + words.slice(1) : key
}

/** A status or code as a reader would say it: "soft_end" → "Soft end", "DRIVERS_LICENCE" → "Drivers licence". */
export const label = (value: string | null | undefined): string => (value ? humanize(value) : '—')

export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${formatNumber(count)} ${count === 1 ? one : many}`
