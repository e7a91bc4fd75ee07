/**
 * CSV of the board's conversations, one row per conversation (RFC 4180: CRLF, quoted fields).
 * A cell that a spreadsheet would run as a formula (= + - @ at the start) is prefixed with `'`.
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

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'string' ? value : String(value)
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe
}

export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`

export const csvHeader = (): string => csvLine([...CSV_COLUMNS])

export const csvRow = (row: CsvRow): string => csvLine(CSV_COLUMNS.map((column) => row[column]))
