import type { TransientError } from '@/lib/failures'

/** Our own optimistic-concurrency miss: another worker changed the record first. */
export class WriteConflict extends Error implements TransientError {
  /** An outage, not a poison event: waited out and tried again (src/lib/failures.ts). */
  readonly transient = true

  constructor(collection: string, key: string) {
    super(`write conflict on ${collection} ${key}: another worker changed it first`)
    this.name = 'WriteConflict'
  }
}
