import { describe, expect, it } from 'vitest'

import { CSV_COLUMNS, csvCell, csvHeader, csvRow } from '@/export/csv'

import { parseCsv } from '../helpers/csv'

/** Where a spreadsheet may split a cell that this file does not: its list separators, line breaks, a quote. */
const SEPARATORS = [',', ';', '\t', '|', '\r', '\n', '"']
const FORMULA = /^[=+\-@]/

/**
 * Every cell a spreadsheet could make of this text: the text, or what follows any separator, with
 * or without the whitespace before it. None may start a formula.
 */
function readings(text: string): string[] {
  const starts = [0, ...[...text].flatMap((char, i) => (SEPARATORS.includes(char) ? [i + 1] : []))]
  return starts.flatMap((start) => [text.slice(start), text.slice(start).trimStart()])
}

const written = (value: unknown) => parseCsv(`${csvCell(value)}\r\n`)[0]![0]!

describe('a CSV cell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+61 400 000 000', "'+61 400 000 000"],
    ['-5', "'-5"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+1', "'\t'=1+1"],
    ['\rhello', "'\rhello"],
    [' =1+1', " '=1+1"],
    ['\n=1+1', "\n'=1+1"],
    ['Smith;=HYPERLINK("http://x","y")', 'Smith;\'=HYPERLINK("http://x","y")'],
    ['Smith; =cmd|x', "Smith; '=cmd|x"],
    ['Smith,=cmd', "Smith,'=cmd"],
    ['Smith\t@x', "Smith\t'@x"],
    ['Smith|-x', "Smith|'-x"],
    ['Smith\r\n+x', "Smith\r\n'+x"],
    ['Jo"=x', 'Jo"\'=x'],
    ['=;=', "'=;'="],
    [';;-', ";;'-"],
  ])('neutralises the formula in %j', (text, expected) => {
    expect(written(text)).toBe(expected)
    for (const reading of readings(written(text))) expect(reading, JSON.stringify(reading)).not.toMatch(FORMULA)
  })

  it.each([
    'Jo Bloggs',
    'Smith - Jones',
    'Mary-Jane O’Neil',
    'jo@example.com',
    'a=b',
    '1+1',
    'Car loan',
    '2025-03-03T09:00:00.000Z',
    'APP-123',
    '',
  ])('leaves %j as typed', (text) => {
    expect(written(text)).toBe(text)
  })

  it('keeps numbers and booleans as they are, negative ones too', () => {
    expect([-3, 42.5, 0, true, false].map(csvCell)).toEqual(['"-3"', '"42.5"', '"0"', '"true"', '"false"'])
  })

  it('quotes every cell, empty ones too, and doubles quotes', () => {
    expect([null, undefined, 'plain', 'say "hi"', 'a,b', 'two\r\nlines'].map(csvCell)).toEqual([
      '""',
      '""',
      '"plain"',
      '"say ""hi"""',
      '"a,b"',
      '"two\r\nlines"',
    ])
  })

  it('no text of formulas, separators and whitespace mixed survives as a formula under any reading', () => {
    // Every string of up to four characters from the dangerous ones, the separators and a space or letter
    const alphabet = ['=', '+', '-', '@', ',', ';', '|', '"', '\t', '\r', '\n', ' ', 'x']
    let texts = ['']
    for (let length = 0; length < 4; length++) texts = texts.flatMap((text) => alphabet.map((char) => text + char))
    expect(texts).toHaveLength(alphabet.length ** 4)
    const cells = texts.map(written)
    // the text is all there, with only quote marks added
    expect(cells.map((cell) => cell.replaceAll("'", ''))).toEqual(texts)
    expect(cells.filter((cell) => readings(cell).some((reading) => FORMULA.test(reading)))).toEqual([])
  })
})

describe('the board CSV', () => {
  it('reads back, row by row, as the columns and values written', () => {
    const csv =
      csvHeader() +
      csvRow({ conversationId: 'C-1', customerName: 'Smith;=HYPERLINK("x")', messageCount: 3 }) +
      csvRow({ conversationId: 'C-2', purpose: 'two\nlines, "quoted"', identityRiskScore: -1 })
    const [header, first, second] = parseCsv(csv)
    expect(header).toEqual([...CSV_COLUMNS])
    const column = (row: string[] | undefined, name: (typeof CSV_COLUMNS)[number]) => row![CSV_COLUMNS.indexOf(name)]
    expect(column(first, 'customerName')).toBe('Smith;\'=HYPERLINK("x")')
    expect(column(first, 'messageCount')).toBe('3')
    expect(column(first, 'purpose')).toBe('')
    expect(column(second, 'purpose')).toBe('two\nlines, "quoted"')
    expect(column(second, 'identityRiskScore')).toBe('-1')
  })
})
