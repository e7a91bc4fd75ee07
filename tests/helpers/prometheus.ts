/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a `# HELP`, a `# TYPE` or a sample of a metric whose TYPE came first; label values are quoted
 * with the format's escapes. Anything else throws, naming the line.
 */
export type Sample = { name: string; labels: Record<string, string>; value: number }
export type Family = { name: string; help: string; type: string; samples: Sample[] }

const SUFFIXES = ['_bucket', '_sum', '_count']
const isNameChar = (c: string, first: boolean) =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':' || (!first && c >= '0' && c <= '9')

function readName(line: string, at: number): [string, number] {
  let end = at
  while (end < line.length && isNameChar(line[end]!, end === at)) end++
  if (end === at) throw new Error(`no metric name at column ${at}: ${line}`)
  return [line.slice(at, end), end]
}

function readLabels(line: string, at: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {}
  let i = at + 1
  while (line[i] !== '}') {
    const [name, afterName] = readName(line, i)
    if (line[afterName] !== '=' || line[afterName + 1] !== '"') throw new Error(`bad label ${name}: ${line}`)
    let value = ''
    let j = afterName + 2
    for (; line[j] !== '"'; j++) {
      if (j >= line.length) throw new Error(`unterminated label value: ${line}`)
      if (line[j] === '\\') {
        const next = line[++j]
        value += next === 'n' ? '\n' : next
      } else value += line[j]
    }
    labels[name] = value
    i = j + 1
    if (line[i] === ',') i++
    else if (line[i] !== '}') throw new Error(`expected , or } at column ${i}: ${line}`)
  }
  return [labels, i + 1]
}

const readValue = (text: string, line: string): number => {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  if (text === 'NaN') return NaN
  const value = Number(text)
  if (text === '' || Number.isNaN(value)) throw new Error(`bad sample value ${JSON.stringify(text)}: ${line}`)
  return value
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  if (!text.endsWith('\n')) throw new Error('exposition does not end with a newline')
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const rest = line.slice(7)
      const space = rest.indexOf(' ')
      const name = rest.slice(0, space)
      const family = families.get(name) ?? { name, help: '', type: '', samples: [] }
      if (line.startsWith('# HELP ')) family.help = rest.slice(space + 1)
      else {
        family.type = rest.slice(space + 1)
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(family.type))
          throw new Error(`unknown type: ${line}`)
      }
      families.set(name, family)
      continue
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`)
    const [name, afterName] = readName(line, 0)
    const [labels, afterLabels] = line[afterName] === '{' ? readLabels(line, afterName) : [{}, afterName]
    if (line[afterLabels] !== ' ') throw new Error(`expected a space before the value: ${line}`)
    const parts = line.slice(afterLabels + 1).split(' ')
    if (parts.length > 2) throw new Error(`too many fields: ${line}`)
    const base = families.has(name)
      ? name
      : SUFFIXES.map((suffix) => (name.endsWith(suffix) ? name.slice(0, -suffix.length) : '')).find((n) =>
          families.has(n),
        )
    const family = base ? families.get(base) : undefined
    if (!family?.type) throw new Error(`sample of a metric with no TYPE line: ${line}`)
    family.samples.push({ name, labels, value: readValue(parts[0]!, line) })
  }
  return families
}

/** The value of the one sample of `name` with these labels (throws when there is none). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  for (const family of families.values()) {
    const sample = family.samples.find(
      (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
    )
    if (sample) return sample.value
  }
  throw new Error(`no sample ${name}${JSON.stringify(labels)}`)
}
