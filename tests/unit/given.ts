/** Test vocabulary: stream entries as a producer writes them, parsed by the real edge. */
import type { StreamEntryFields } from '@/events/generate'
import { parse } from '@/events/parse'
import type { ChatEvent } from '@/events/types'

export const CID = 'conv-5f2a9c'
export const AID = 'APP-000123'
export const UID = 'CUS-0000042'

/** The envelope every broker entry carries unless a test says otherwise. */
export const ENVELOPE: StreamEntryFields = {
  agt: 'broker',
  cid: CID,
  aid: AID,
  uid: UID,
  tsp: '2025-03-03T09:00:00.000Z',
}

/** A stream entry's fields: the envelope, `typ`, `dat` as JSON, and any overrides (`undefined` drops a field). */
export function fields(
  typ: string,
  dat?: unknown,
  envelope: Record<string, string | undefined> = {},
): StreamEntryFields {
  const all: Record<string, string | undefined> = {
    ...ENVELOPE,
    typ,
    ...(dat === undefined ? {} : { dat: JSON.stringify(dat) }),
    ...envelope,
  }
  return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/** The event a valid entry parses into; fails the test with the reason otherwise. */
export function event(
  entryId: string,
  typ: string,
  dat?: unknown,
  envelope: Record<string, string | undefined> = {},
): ChatEvent {
  const result = parse(entryId, fields(typ, dat, envelope))
  if (!result.ok) throw new Error(`entry ${entryId} did not parse: ${JSON.stringify(result)}`)
  return result.event
}

/** A timestamp `minutes` after 09:00 on the test day. */
export const at = (minutes: number) => new Date(Date.parse('2025-03-03T09:00:00.000Z') + minutes * 60_000).toISOString()

/** Folds events through one evolve function, as the worker does for one record. */
export const fold = <State>(
  evolve: (state: State | undefined, event: ChatEvent) => State | undefined,
  events: ChatEvent[],
  from?: State,
) => events.reduce<State | undefined>((state, next) => evolve(state, next), from)

/**
 * Entry ids as Redis assigns them to a burst: several per millisecond, so sequence numbers
 * reach two digits and `…-10` must sort after `…-9`.
 */
export const entryIdAt = (index: number) => `${1_741_000_000_000 + Math.floor(index / 12)}-${index % 12}`

/** The valid events of a corpus, with entry ids in stream order. */
export const eventsOf = (corpus: StreamEntryFields[]): ChatEvent[] =>
  corpus.flatMap((entry, index) => {
    const result = parse(entryIdAt(index), entry)
    return result.ok ? [result.event] : []
  })

/** The chat begins: `conversation_started`, seq 1, `minutes` after 09:00. */
export const started = (id: string, minutes = 0) =>
  event(id, 'conversation_started', undefined, { seq: '1', tsp: at(minutes) })

/** The customer's line (short spelling), at minute `seq` unless told. */
export const customerSays = (id: string, seq: number, text: string, minutes = seq, extra: object = {}) =>
  event(id, 'user_input', { u: text, ...extra }, { seq: String(seq), tsp: at(minutes) })

/** The assistant's line (long spelling), at minute `seq` unless told. */
export const assistantSays = (id: string, seq: number, text: string, minutes = seq, extra: object = {}) =>
  event(id, 'assistant_response', { utterance: text, ...extra }, { seq: String(seq), tsp: at(minutes) })
