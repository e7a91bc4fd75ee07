/**
 * A verify, rebuild or replay's shared state in Redis, so every app instance and worker sees it:
 * one lock per projection (one job at a time across the deployment), its progress (the CLI's bar
 * and the operations view read it), a control word (pause, resume, cancel) and the version of
 * the projection's code that last built its records.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'

import type { Redis } from 'ioredis'

import type { EntryId } from '@/events/entryId'

import { type PhaseStart, paceOf, phaseWork } from './progress'
import { versionKeyOf } from '@/lib/checkpoint'
import { describeError } from '@/lib/failures'
import { positiveIntSetting } from '@/lib/env'
import type { Fence } from '@/store/writer'

export type Job = 'verify' | 'rebuild' | 'replay'
export type JobState = 'running' | 'paused' | 'done' | 'failed' | 'cancelled'
export type Phase = 'reading' | 'folding' | 'comparing' | 'writing' | 'catching up' | 'done'

export type Progress = {
  id: string
  job: Job
  projection: string
  state: JobState
  phase: Phase
  /** Stream entries read, of `total`. */
  read: number
  total: number
  /** Records compared so far, of `records`; `written` of them changed (written, created or removed). */
  compared: number
  records: number
  written: number
  eventsPerSecond: number
  etaSeconds: number | null
  startedAt: string
  updatedAt: string
  by: string
  /** The process that runs it (on the host its lock names). */
  pid: number
  /** What went wrong, and the stream entry it happened at when there is one. */
  error?: string
  errorEntryId?: string
  /** The job's report (a verify's drift, a rebuild's counts), as JSON. */
  report?: string
  /** While paused: since when. */
  pausedAt?: string
  /** The killed job of the same kind this one took over from, in words (see JobRun.start). */
  resumed?: string
  /** How far a rebuild's writing is, as JSON (a Checkpoint): where a run that takes over starts. */
  checkpoint?: string
}

/**
 * How far a rebuild has written, for a run that takes over after it is killed: the record kinds
 * before `kind` are done (all of them when `kind` is empty), and `kind`'s stored records up to the
 * key `after`. Only for the projection's `version` that wrote it.
 */
export type Checkpoint = { version: number; kind: string; after: string | null }

export const jobKeys = (stream: string, group: string) => ({
  lock: `${stream}:${group}:rebuild:lock`,
  progress: `${stream}:${group}:rebuild`,
  control: `${stream}:${group}:rebuild:control`,
  version: versionKeyOf(stream, group),
})

/**
 * How long a job's lock outlives its holder's last renewal (REBUILD_LOCK_MS, 60 s): a job stalled
 * longer (an event loop blocked, a process stopped, Redis out of reach) has lost it, and another
 * may start. Renewed six times as often.
 */
const lockMs = () => positiveIntSetting('REBUILD_LOCK_MS', 60_000)
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`
const RENEW =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
/** Writes the progress only while the lock is the job's: a job that lost it never overwrites its successor's. */
const REPORT = `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('hset', KEYS[2], unpack(ARGV, 2))
return 1`

/**
 * Where this process's id means something: the host name, and the process-id namespace where
 * there is one (containers of one pod share a host name, not their process ids).
 */
function processSpace(): string {
  try {
    const namespace = /\d+/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[0]
    return namespace ? `${os.hostname()}/${namespace}` : os.hostname()
  } catch {
    return os.hostname()
  }
}
export const PROCESS_SPACE = processSpace()

/** Whether a lock's holder (`… (<host>:<pid>:<run>)`) was a process of this host that no longer runs. */
export function holderIsGone(holder: string): boolean {
  const match = /\(([^:()]+):(\d+):[^()]+\)$/.exec(holder)
  if (!match || match[1] !== PROCESS_SPACE) return false
  try {
    process.kill(Number(match[2]), 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** What a run that takes over says of the killed one: when and by whom it started, and how far it got. */
export function resumedFrom(previous: Progress): string {
  const figures =
    previous.phase === 'writing' || previous.phase === 'comparing'
      ? `${previous.compared.toLocaleString('en')} of ${previous.records.toLocaleString('en')} records compared, ` +
        `${previous.written.toLocaleString('en')} written`
      : `${previous.read.toLocaleString('en')} of ${previous.total.toLocaleString('en')} events read`
  const { job, startedAt, by, phase } = previous
  return `resumed the ${job} started ${startedAt} by ${by}, killed while ${phase} (${figures})`
}

export class JobAlreadyRunning extends Error {
  constructor(
    readonly projection: string,
    readonly holder: string,
  ) {
    super(`a verify, rebuild or replay of ${projection} is already running (${holder}): wait for it, or cancel it`)
  }
}

/** A job whose lock lapsed (it stalled past the lock's time) or went to another job: it stops before writing again. */
export class LockLost extends Error {
  constructor(projection: string, holder: string | null) {
    super(
      `lost the lock on ${projection}: ${holder ? `${holder} holds it now` : 'it lapsed'} ` +
        `(the job stalled longer than the lock's ${lockMs() / 1000} s); it stopped before writing again`,
    )
    this.name = 'LockLost'
  }
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled')
  }
}

/** A job stopped at a stream entry: folding it, or writing what it makes, failed on its own. */
export class EntryFailed extends Error {
  /** What failed, without the entry (the progress keeps that apart, as `errorEntryId`). */
  readonly reason: string

  constructor(
    readonly entryId: EntryId,
    doing: string,
    cause: unknown,
  ) {
    super(`${doing} entry ${entryId} failed: ${describeError(cause)}`, { cause })
    this.name = 'EntryFailed'
    this.reason = `${doing} the entry failed: ${describeError(cause)}`
  }
}

/**
 * Whether a projection's stored records need a rebuild for the deployed code: the one rule for
 * health, metrics, the operations and projections views and the CLI.
 * Records are written only by the projection's worker, through its consumer group, and by
 * rebuilds, which record the version; a worker that creates the group records its own. So:
 * records built by an older version need one (by a newer one: see codeIsOlder). With no version
 * recorded, the group says whether there are records: it has delivered entries, so its records
 * were built by code that recorded no version (before versions were kept, or the key was lost),
 * and they need one; it has delivered nothing, or there is no group yet, so nothing is stored, and
 * the first worker records its version.
 */
export function rebuildNeeded({
  version,
  stored,
  delivered,
}: {
  version: number
  stored: number | null
  /** The group's last delivered entry id; null when there is no group. */
  delivered: string | null
}): boolean {
  if (stored !== null) return stored < version
  return delivered !== null && delivered !== '0-0'
}

/**
 * Whether the deployed code is older than the code that built the stored records (the old half
 * of a rolling deploy, or a rollback): it goes on projecting new events, says so, and never
 * rebuilds or replays, which would take the records back to its older version.
 */
export const codeIsOlder = (version: number, stored: number | null): boolean => stored !== null && stored > version

/** What codeIsOlder means, in words an operator acts on. */
export const olderCodeReason = (version: number, stored: number | null): string =>
  `code older than the stored projection: records built by version ${stored}, this code is version ${version}`

/** A rebuild or replay refused: the deployed code is older than the stored records (see codeIsOlder). */
export class CodeIsOlder extends Error {
  constructor(projection: string, version: number, stored: number) {
    super(
      `${projection}: ${olderCodeReason(version, stored)}; a rebuild or replay would take the records back, ` +
        'so it runs only from code at that version or newer',
    )
    this.name = 'CodeIsOlder'
  }
}

/** Why a rebuild is needed, in words an operator acts on (see rebuildNeeded). */
export function rebuildReason(version: number, stored: number | null): string {
  const builder = stored === null ? 'code that recorded no version' : `version ${stored}`
  return `records built by ${builder}, deployed version ${version}`
}

/** The job of a projection as last reported (running or finished), if any. */
export async function readProgress(redis: Redis, stream: string, group: string): Promise<Progress | undefined> {
  const raw = await redis.hgetall(jobKeys(stream, group).progress)
  if (!raw.id) return undefined
  const number = (value: string | undefined) => (value === undefined || value === '' ? 0 : Number(value))
  // (a field written empty is one the job has cleared)
  for (const [key, value] of Object.entries(raw)) if (value === '') delete raw[key]
  return {
    ...(raw as unknown as Progress),
    read: number(raw.read),
    total: number(raw.total),
    compared: number(raw.compared),
    records: number(raw.records),
    written: number(raw.written),
    pid: number(raw.pid),
    eventsPerSecond: number(raw.eventsPerSecond),
    etaSeconds: raw.etaSeconds === undefined ? null : Number(raw.etaSeconds),
  }
}

/** Asks the running job to pause, resume or stop (it checks between pages and chunks). */
export async function controlJob(redis: Redis, stream: string, group: string, action: 'pause' | 'resume' | 'cancel') {
  const keys = jobKeys(stream, group)
  if (!(await redis.exists(keys.lock))) throw new Error('no verify, rebuild or replay is running for this projection')
  // No expiry: a pause lasts until resumed or cancelled (the job's end, or the next job's start, clears it).
  await redis.set(keys.control, action === 'resume' ? 'run' : action)
}

/**
 * A running job: holds the lock (renewed while it runs), reports progress, and obeys the control
 * word at each checkpoint. `finish` releases the lock.
 */
export class JobRun {
  readonly id = crypto.randomUUID()
  /** The lock's value: what runs, for whom, and where (a process that can be found). */
  private readonly holder: string
  private readonly keys: ReturnType<typeof jobKeys>
  private renewal?: ReturnType<typeof setInterval>
  private readonly started = Date.now()
  private phaseStart: PhaseStart = { at: this.started, done: 0 }
  private lastReport = 0
  /** Set when a renewal or a report found the lock no longer the job's: it stops at its next report. */
  private lost = false
  /** The job's fencing token, which every write it makes carries (runJob takes it once the lock is held). */
  fence?: Fence
  /** The progress of the killed job of the same kind this one takes over from, if any. */
  private previous?: Progress
  progress: Progress

  private constructor(
    private readonly redis: Redis,
    stream: string,
    group: string,
    job: Job,
    projection: string,
    by: string,
  ) {
    this.keys = jobKeys(stream, group)
    this.holder = `${job} by ${by} (${PROCESS_SPACE}:${process.pid}:${this.id})`
    const now = new Date().toISOString()
    this.progress = {
      id: this.id,
      job,
      projection,
      state: 'running',
      phase: 'reading',
      read: 0,
      total: 0,
      compared: 0,
      records: 0,
      written: 0,
      eventsPerSecond: 0,
      etaSeconds: null,
      startedAt: now,
      updatedAt: now,
      by,
      pid: process.pid,
    }
  }

  /**
   * Takes the projection's lock, or throws JobAlreadyRunning naming who holds it. A lock left by a
   * process of this host that is gone (killed mid-job) is taken over at once; one of another host
   * lapses within a minute of its holder's end. A job of the same kind that was killed (its
   * progress still says running or paused) is resumed from its checkpoint unless `restart`.
   */
  static async start(
    redis: Redis,
    stream: string,
    group: string,
    job: Job,
    projection: string,
    by: string,
    { restart = false }: { restart?: boolean } = {},
  ) {
    const run = new JobRun(redis, stream, group, job, projection, by)
    const take = () => redis.set(run.keys.lock, run.holder, 'PX', lockMs(), 'NX')
    if ((await take()) !== 'OK') {
      const holder = (await redis.get(run.keys.lock)) ?? ''
      if (!holderIsGone(holder)) throw new JobAlreadyRunning(projection, holder || 'unknown')
      await redis.eval(RELEASE, 1, run.keys.lock, holder)
      if ((await take()) !== 'OK')
        throw new JobAlreadyRunning(projection, (await redis.get(run.keys.lock)) ?? 'unknown')
    }
    const previous = await readProgress(redis, stream, group)
    if (!restart && previous?.job === job && (previous.state === 'running' || previous.state === 'paused'))
      run.previous = previous
    await redis.del(run.keys.control, run.keys.progress)
    if (run.previous) {
      run.progress.resumed = resumedFrom(run.previous)
      // (kept until this run writes its own: killed while folding, it leaves the same place to resume from)
      run.progress.checkpoint = run.previous.checkpoint
    }
    // A renewal Redis refuses (the lock lapsed or is another's) loses the lock; one that fails
    // (Redis out of reach) is tried again at the next.
    run.renewal = setInterval(
      () =>
        void redis
          .eval(RENEW, 1, run.keys.lock, run.holder, lockMs())
          .then((renewed) => {
            if (renewed === 0) run.lost = true
          })
          .catch(() => undefined),
      Math.ceil(lockMs() / 6),
    )
    run.renewal.unref()
    await run.report({}, true)
    return run
  }

  /**
   * Updates the progress (written to Redis at most every 250 ms, unless `now`). Throws LockLost,
   * writing nothing, once the lock is no longer the job's.
   */
  async report(changes: Partial<Progress>, now = false): Promise<void> {
    if (this.lost) throw await this.lockLost()
    const phase = this.progress.phase
    Object.assign(this.progress, changes, { updatedAt: new Date().toISOString() })
    const at = Date.now()
    if (this.progress.phase !== phase) this.phaseStart = { at, done: phaseWork(this.progress).done }
    Object.assign(this.progress, paceOf(this.progress, { started: this.started, phase: this.phaseStart }, at))
    if (!now && at - this.lastReport < 250) return
    this.lastReport = Date.now()
    const fields = Object.fromEntries(
      Object.entries(this.progress).map(([key, value]) => [
        key,
        value === null || value === undefined ? '' : String(value),
      ]),
    )
    if (!(await this.writeProgress(fields))) throw await this.lockLost()
  }

  /** Writes progress fields while the lock is the job's; false (and the job lost) once it is not. */
  private async writeProgress(fields: Record<string, string>): Promise<boolean> {
    const { lock, progress } = this.keys
    const written = await this.redis.eval(REPORT, 2, lock, progress, this.holder, ...Object.entries(fields).flat())
    if (written === 0) this.lost = true
    return written !== 0
  }

  private async lockLost(): Promise<LockLost> {
    return new LockLost(this.progress.projection, await this.redis.get(this.keys.lock).catch(() => null))
  }

  /** Where the killed job this one took over had written to, if it was for this version of the projection. */
  resumeAt(version: number): Checkpoint | undefined {
    if (!this.previous?.checkpoint) return undefined
    const checkpoint = JSON.parse(this.previous.checkpoint) as Checkpoint
    return checkpoint.version === version ? checkpoint : undefined
  }

  /** A checkpoint (a page read or written): reports progress, waits while paused, throws Cancelled when asked to. */
  async checkpoint(): Promise<void> {
    await this.report({}, true)
    for (;;) {
      const word = await this.redis.get(this.keys.control)
      if (word === 'cancel') throw new Cancelled()
      if (word !== 'pause') {
        if (this.progress.state === 'paused') await this.report({ state: 'running', pausedAt: '' }, true)
        return
      }
      if (this.progress.state !== 'paused')
        await this.report({ state: 'paused', pausedAt: new Date().toISOString() }, true)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }

  /** Records how the job ended and releases the lock; a job that lost its lock leaves its successor's state alone. */
  async finish(state: 'done' | 'failed' | 'cancelled', changes: Partial<Progress> = {}): Promise<void> {
    clearInterval(this.renewal)
    if (this.lost) return
    try {
      await this.report({ ...changes, state, phase: state === 'done' ? 'done' : this.progress.phase }, true)
    } catch (error) {
      if (error instanceof LockLost) return
      throw error
    }
    await this.redis.eval(RELEASE, 1, this.keys.lock, this.holder)
    await this.redis.del(this.keys.control)
  }
}
