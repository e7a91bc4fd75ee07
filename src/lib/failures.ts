/**
 * Telling an outage from a poison event. Outages (the database or Redis unreachable, a lock held
 * by another writer, a write conflict) are waited out and never dead-lettered; anything else
 * that fails the same way every time is deterministic and may be dead-lettered.
 */

/** An error that says of itself that it is an outage (the store's WriteConflict). */
export type TransientError = Error & { readonly transient: true }

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
])

const TRANSIENT_MESSAGES =
  /database is locked|database table is locked|connection is closed|connection closed|socket hang up|server selection|topology was destroyed|not connected|write ?conflict|transaction.*(aborted|conflict)|stream isn't writeable|cannot commit/i

const codesOf = (error: unknown): string[] => {
  const codes: string[] = []
  for (let current = error as Record<string, unknown> | undefined, depth = 0; current && depth < 6; depth++) {
    for (const key of ['code', 'rawCode', 'codeName'] as const) {
      if (typeof current[key] === 'string') codes.push(current[key] as string)
    }
    current = current.cause as Record<string, unknown> | undefined
  }
  return codes
}

const messagesOf = (error: unknown, maxChars = Infinity): string => {
  const parts: string[] = []
  for (
    let current = error as { message?: string; cause?: unknown } | undefined, depth = 0;
    current && depth < 6;
    depth++
  ) {
    if (current.message)
      parts.push(current.message.length > maxChars ? `${current.message.slice(0, maxChars)}…` : current.message)
    current = current.cause as typeof current
  }
  return parts.join(' / ')
}

export function isTransient(error: unknown): boolean {
  if ((error as { transient?: unknown } | undefined)?.transient === true) return true
  const labels = (error as { errorLabels?: string[] } | undefined)?.errorLabels
  if (labels?.includes('TransientTransactionError') || labels?.includes('RetryableWriteError')) return true
  const name = (error as Error | undefined)?.name ?? ''
  if (/MongoNetwork|MongoServerSelection|MongoNotConnected/.test(name)) return true
  const codes = codesOf(error)
  // Extended SQLite codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_SHORT_READ, …) count as their base code.
  if (
    codes.some((code) => TRANSIENT_CODES.has(code) || TRANSIENT_CODES.has(code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1')))
  )
    return true
  // A SQLite error that carries its code is judged by the code alone: a failed query's message
  // quotes its parameters, the events' own text, and a fact reading "the connection closed" must
  // not turn a poison event into an outage retried forever (tests/int/workerPoison).
  if (codes.some((code) => code.startsWith('SQLITE_'))) return false
  return TRANSIENT_MESSAGES.test(messagesOf(error))
}

/** Longest stretch kept of each message in an error's cause chain, see describeError. */
const MAX_MESSAGE_CHARS = 300

/**
 * An error and its causes, one message each, for logs and dead-letter reasons. Each message is
 * cut at MAX_MESSAGE_CHARS: a failed drizzle query's message carries the whole SQL statement and
 * its parameters (a 10,000-row insert makes it hundreds of kilobytes, all of it copied into the
 * dead letter), while the cause that names the problem ("SQLITE_ERROR: too many SQL variables")
 * comes after it. Classification (isTransient) still reads the full messages.
 */
export const describeError = (error: unknown): string => messagesOf(error, MAX_MESSAGE_CHARS) || String(error)
