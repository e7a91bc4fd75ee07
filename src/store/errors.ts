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

/** A job's write refused: a newer job has taken the projection's lock and fencing token (src/store/writer). */
export class FenceLost extends Error {
  constructor(readonly fence: { projection: string; token: number }) {
    super(
      `lost the lock on ${fence.projection}: a newer job has taken it ` +
        `(fencing token ${fence.token} is not the newest), so this one writes nothing more`,
    )
    this.name = 'FenceLost'
  }
}
