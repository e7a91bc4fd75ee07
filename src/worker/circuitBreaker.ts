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
