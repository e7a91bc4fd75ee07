/**
 * Why stamps: the worker may apply an event twice (redelivery) or late (a dead worker's
 * pending entries are reclaimed after newer ones were applied). Each field, or group of fields
 * written together, is a register that remembers the entry id of the write it holds. A write
 * takes the register only if its entry id beats the stamp, so the result depends on which
 * events were applied, never on their order or on repeats: the same as one pass in stream order.
 */
import { compareEntryIds, type EntryId } from '@/events/entryId'

/**
 * `last`: the highest entry id holds (a later event overrides an earlier one).
 * `first`: the lowest holds. Used for links (a conversation's application, an application's
 * customer), which do not move once set: later events naming the same link then change
 * nothing, so they cost no write.
 */
export type Policy = 'last' | 'first'

export type Stamps<Register extends string> = Partial<Record<Register, EntryId>>

type Stamped = { projection: { stamps: Partial<Record<string, EntryId>> } }
type RegisterOf<State extends Stamped> = keyof State['projection']['stamps'] & string
export type Fields<State extends Stamped> = Omit<State, 'projection'>

/** The object with its keys sorted, so equal bookkeeping serialises to equal JSON; itself when they are. */
export function sortedKeys<T extends object>(record: T): T {
  const keys = Object.keys(record)
  let sorted = true
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1]! < keys[i]!
  if (sorted) return record
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T
}

/**
 * `record` with `key` set to `value`, its keys kept sorted: a key it already has keeps its place
 * (the common case, and the cheap one), a new key is sorted in.
 */
export const withKey = <T extends object>(record: T, key: string, value: unknown): T =>
  Object.hasOwn(record, key) ? ({ ...record, [key]: value } as T) : sortedKeys({ ...record, [key]: value } as T)

const takes = (current: EntryId | undefined, at: EntryId, policy: Policy): boolean =>
  current === undefined || (policy === 'last' ? compareEntryIds(at, current) > 0 : compareEntryIds(at, current) < 0)

/**
 * Writes `values` under `register` if the event `at` takes it; otherwise (an older write, or
 * the same one again) returns `state` itself, unchanged.
 */
export function write<State extends Stamped>(
  state: State,
  register: RegisterOf<State>,
  at: EntryId,
  values: Partial<Fields<State>>,
  policy: Policy = 'last',
): State {
  const { stamps } = state.projection
  if (!takes(stamps[register], at, policy)) return state
  return { ...state, ...values, projection: { ...state.projection, stamps: withKey(stamps, register, at) } }
}

/** Writes one field under its own name as the register. */
export function writeField<State extends Stamped, Field extends keyof Fields<State> & RegisterOf<State>>(
  state: State,
  field: Field,
  at: EntryId,
  value: Fields<State>[Field],
): State {
  const values: Partial<Fields<State>> = {}
  values[field] = value
  return write(state, field, at, values)
}

/**
 * Writes each field of `values` under its own name as the register, as `writeField` field by
 * field would, in one copy of the state: a snapshot states a dozen fields at once.
 */
export function writeFields<State extends Stamped>(state: State, at: EntryId, values: Partial<Fields<State>>): State {
  const { stamps } = state.projection
  const taken: Record<string, unknown> = {}
  const stamped: Stamped['projection']['stamps'] = { ...stamps }
  let wrote = false
  let added = false
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined || !takes(stamps[field], at, 'last')) continue
    taken[field] = value
    added ||= !Object.hasOwn(stamps, field)
    stamped[field] = at
    wrote = true
  }
  if (!wrote) return state
  return { ...state, ...taken, projection: { ...state.projection, stamps: added ? sortedKeys(stamped) : stamped } }
}

/** The earlier of two ISO timestamps (canonical UTC strings compare as text). */
export const earliest = (current: string | null, candidate: string): string =>
  current !== null && current <= candidate ? current : candidate

/** The later of two ISO timestamps. */
export const latest = (current: string | null, candidate: string): string =>
  current !== null && current >= candidate ? current : candidate
