/**
 * A stream reader thread that dies after its first page, as one that runs out of its heap would:
 * it gives that page, waits for the job to ask for more, and exits.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { Redis } from 'ioredis'

import type { ReaderData } from '@/rebuild/readerThread'
import { readEntries, readStream } from '@/rebuild/streamReader'

const { connection, stream, range } = workerData as ReaderData
const port = parentPort!
const redis = new Redis(connection)
let asked = 0

port.on('message', (ids: unknown) => {
  asked++
  // A range asks for more once it took the page; listed entries ask for a third page then.
  if ((range && asked === 1) || (!range && asked === 3)) process.exit(1)
  if (!range && asked === 1) void first(readEntries(redis, stream, [ids as string[]]))
})

async function first(pages: ReturnType<typeof readStream>) {
  const { value } = await pages.next()
  port.postMessage({ type: 'page', page: value })
}

if (range) void first(readStream(redis, stream, range))
