/**
 * CSV of the board's conversations, one row per conversation (RFC 4180: CRLF, every cell quoted).
 *
 * Customers type names and purposes, and a spreadsheet runs a cell that starts with `=`, `+`,
 * `-` or `@` as a formula (OWASP, "CSV Injection"). It may also split a cell where this file
 * does not: on `;` in locales whose list separator it is, on tab or `|` when asked, on a line
 * break; and it may trim the spaces before a formula. So in text, every `= + - @` that starts a
 * cell under any of those readings (after the start, or after one of `, ; | " tab CR LF`, with
 * only whitespace between) gets a `'` in front of it, which makes it text; and text starting
 * with a tab or carriage return gets one at the start. `Smith;=HYPERLINK(…)` is written
 * `"Smith;'=HYPERLINK(…)"`. Numbers and booleans are ours, not typed by anyone: written as they
 * are, so `-3` stays a number.
 */
export const CSV_COLUMNS = [
  'conversationId',
  'applicationNumber',
  'customerName',
  'status',
  'finalDecision',
  'startedAt',
  'decidedAt',
  'lastActivityAt',
  'messageCount',
  'identityRiskBand',
  'identityRiskScore',
  'fraudResult',
  'serviceable',
  'purpose',
] as const

export type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], unknown>>

/** A formula's first character where a spreadsheet may start a cell: `$1` what precedes it, `$2` it. */
const FORMULA_START = /(^\s*|[,;|"\t\r\n]\s*)([=+\-@])/g

/** Text that no spreadsheet reads as a formula, however it splits or trims it. */
export function inert(text: string): string {
  const marked = text.replace(FORMULA_START, "$1'$2")
  return /^[\t\r]/.test(marked) ? `'${marked}` : marked
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""'
  const text = typeof value === 'string' ? inert(value) : String(value)
  return `"${text.replaceAll('"', '""')}"`
}

export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`

export const csvHeader = (): string => csvLine([...CSV_COLUMNS])

export const csvRow = (row: CsvRow): string => csvLine(CSV_COLUMNS.map((column) => row[column]))
