/**
 * Reading the whole stream for verify and rebuild with the parsing on a second core: a thread of
 * its own reads and parses (JSON and the zod schemas) while this one folds, and, whenever this
 * one is the slower, takes over making the pages' lines too (see LineFacts in ./target.ts). The
 * pages are the same as `readStream`'s, in the same order.
 *
 * The thread is started from this module's source with tsx, as `pnpm projections` and the
 * worker run. Where that cannot be done (a bundle without the source beside it), or the thread
 * dies on the way (out of its heap), the pages it has not given are read here instead: slower,
 * never different. An error Redis answers the thread with fails the job, as it would here.
 */
import { Worker } from 'node:worker_threads'

import type { Redis, RedisOptions } from 'ioredis'

import type { ReaderData, ReaderMessage, ReaderRequest } from './readerThread'
import type { EntryId } from '@/events/entryId'

import { EntryFailed } from './control'
import { pagesOf, type Reading, type StreamPage } from './streamReader'

/** Pages parsed ahead of the fold: enough to keep both cores busy, few enough to cost little memory. */
const AHEAD = 2
/** The thread's own heap: a few pages of events, ioredis and zod. */
const THREAD_HEAP_MB = 96
/**
 * The thread's young generation. Reading a range, it parses as fast as it can and makes
 * short-lived garbage as fast: a large young generation keeps it from collecting all the time
 * (96 MB reads and folds a quarter faster than 16 MB). Listed entries come a page per insert,
 * slowly, while a rebuild holds the most (the fold, and the lines to insert): a small one.
 */
const THREAD_YOUNG_MB = { range: 96, listed: 16 }
/** Named in a variable so that bundlers leave it alone (see the top of this file). */
const ENTRY = './readerThread.ts'

/**
 * The connection settings a thread can be given (functions and sockets stay here): the same
 * server and credentials, and the same patience with an outage as the job's own client.
 */
function connectionOf(redis: Redis): RedisOptions {
  const { host, port, path, db, username, password, family, tls, keyPrefix, maxRetriesPerRequest, connectionName } =
    redis.options
  const { sentinels, name, sentinelUsername, sentinelPassword } = redis.options
  return {
    host,
    port,
    path,
    db,
    username,
    password,
    family,
    tls,
    keyPrefix,
    ...(sentinels ? { sentinels, name, sentinelUsername, sentinelPassword } : {}),
    maxRetriesPerRequest,
    connectionName: `${connectionName ?? 'job'}-reader`,
  }
}

/**
 * The thread, loading the entry's TypeScript source through tsx's API (a worker does not take
 * tsx's `--import` hooks from its parent), with a heap of its own.
 */
function startThread(entry: string, data: ReaderData, youngMb: number): Worker | Error {
  const url = new URL(entry, import.meta.url).href
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}) })`
  try {
    return new Worker(boot, {
      eval: true,
      workerData: data,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB, maxYoungGenerationSizeMb: youngMb },
    })
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}

export type ThreadedOptions = {
  /** The thread's entry, relative to this module (tests name one that does not exist). */
  entry?: string
  /** Told why, when the pages are read in this thread instead (an operator wants to know it is slower). */
  onFallback?: (reason: string) => void
  /** The projection whose lines the thread may make (a page read here comes without them). */
  lines?: string
}

/**
 * The pages of a reading (a range of `stream`, or listed entries), as `readStream` and
 * `readEntries` give them, read and parsed by a thread of their own when one can be started.
 */
export async function* readThreaded(
  redis: Redis,
  stream: string,
  reading: Reading,
  { entry = ENTRY, onFallback, lines }: ThreadedOptions = {},
): AsyncGenerator<StreamPage> {
  const listed = 'entries' in reading ? reading : undefined
  const thread = startThread(
    entry,
    {
      connection: connectionOf(redis),
      stream,
      ...('entries' in reading ? {} : { range: reading, lines }),
      ahead: AHEAD,
    },
    THREAD_YOUNG_MB[listed ? 'listed' : 'range'],
  )
  if (thread instanceof Error) {
    onFallback?.(thread.message)
    yield* pagesOf(redis, stream, reading)
    return
  }
  const queue: ReaderMessage[] = []
  let wake: (() => void) | undefined
  let failure: Error | undefined
  const push = (message: ReaderMessage) => {
    queue.push(message)
    wake?.()
  }
  thread.on('message', push)
  // Kept until the thread is gone: an error it posts while being terminated must not crash the job.
  thread.on('error', (error) => {
    failure ??= error
    wake?.()
  })
  thread.on('exit', (code) => {
    failure ??= new Error(`the stream reader thread exited with code ${code}`)
    wake?.()
  })
  const request = (message: ReaderRequest) => thread.postMessage(message)
  // Listed entries: the pages asked for and not read yet, then the rest, taken as they are asked for.
  const asked: EntryId[][] = []
  const rest = listed?.entries[Symbol.iterator]()
  const askNext = () => {
    const next = rest?.next()
    if (next && !next.done) {
      asked.push(next.value)
      request(next.value)
    }
  }
  /** Where a range was read up to: the last entry of the last page taken. */
  let readUpTo: EntryId | undefined
  try {
    for (let i = 0; i < AHEAD; i++) askNext()
    while (!listed || asked.length > 0) {
      while (queue.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve))
      const message = queue.shift()
      if (message?.type === 'page') {
        if (listed) {
          asked.shift()
          askNext()
        } else {
          readUpTo = message.page.last
          request('more')
        }
        yield message.page
        continue
      }
      if (message?.type === 'done') return
      // A fold that threw at an entry, or Redis's answer: this thread would get the same.
      if (message?.type === 'failed') {
        if (message.entryId) throw new EntryFailed(message.entryId, 'folding', new Error(message.message))
        throw new Error(`reading ${stream}: ${message.message}`)
      }
      // The thread could not start, or died (out of its heap): the rest is read in this thread.
      onFallback?.(failure!.message)
      const unread: Reading = listed
        ? {
            entries: (function* () {
              yield* asked
              yield* { [Symbol.iterator]: () => rest! }
            })(),
          }
        : { ...reading, ...(readUpTo === undefined ? {} : { after: readUpTo }) }
      return yield* pagesOf(redis, stream, unread)
    }
  } finally {
    thread.removeAllListeners('message')
    await thread.terminate()
    thread.removeAllListeners()
  }
}
