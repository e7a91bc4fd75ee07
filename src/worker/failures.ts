/**
 * Telling an outage from a poison event. Outages (the database or Redis unreachable, a lock held
 * by another writer, a write conflict) are waited out and never dead-lettered; anything else
 * that fails the same way every time is deterministic and may be dead-lettered.
 */

/** Our own optimistic-concurrency miss: another worker changed the record first. */
export class WriteConflict extends Error {
  constructor(collection: string, key: string) {
    super(`write conflict on ${collection} ${key}: another worker changed it first`)
    this.name = 'WriteConflict'
  }
}

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

const messagesOf = (error: unknown): string => {
  const parts: string[] = []
  for (let current = error as { message?: string; cause?: unknown } | undefined, depth = 0; current && depth < 6; depth++) {
    if (current.message) parts.push(current.message)
    current = current.cause as typeof current
  }
  return parts.join(' / ')
}

export function isTransient(error: unknown): boolean {
  if (error instanceof WriteConflict) return true
  const labels = (error as { errorLabels?: string[] } | undefined)?.errorLabels
  if (labels?.includes('TransientTransactionError') || labels?.includes('RetryableWriteError')) return true
  const name = (error as Error | undefined)?.name ?? ''
  if (/MongoNetwork|MongoServerSelection|MongoNotConnected/.test(name)) return true
  if (codesOf(error).some((code) => TRANSIENT_CODES.has(code) || code.startsWith('SQLITE_BUSY'))) return true
  return TRANSIENT_MESSAGES.test(messagesOf(error))
}

export const describeError = (error: unknown): string => messagesOf(error) || String(error)

/**
 * Backoff with a circuit breaker: after `threshold` consecutive transient failures the circuit
 * opens and the worker stops hammering the database, waiting an exponentially growing, jittered
 * delay (capped) before it tries again. One success closes it.
 */
export class CircuitBreaker {
  private failures = 0

  constructor(
    private readonly options = { threshold: 3, baseMs: 100, maxMs: 10_000 },
    private readonly random: () => number = Math.random,
  ) {}

  get state(): 'closed' | 'open' {
    return this.failures >= this.options.threshold ? 'open' : 'closed'
  }

  get consecutiveFailures(): number {
    return this.failures
  }

  succeeded(): void {
    this.failures = 0
  }

  /** Records a transient failure and returns how long to wait before the next attempt. */
  failed(): number {
    this.failures++
    const { baseMs, maxMs } = this.options
    const delay = Math.min(maxMs, baseMs * 2 ** Math.min(this.failures - 1, 16))
    return Math.round(delay / 2 + (this.random() * delay) / 2)
  }
}
