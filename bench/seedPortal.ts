/**
 * Seeds DATABASE_URI (fresh, migrated: run with NODE_ENV=production) with the portal projection of
 * generated conversations until `customers` distinct customers have records:
 *   NODE_ENV=production node --import tsx bench/seedPortal.ts 50000
 *
 * No Redis and no worker loop: each chunk of a generated corpus (src/events/generate.ts) is parsed
 * and folded in memory by the portal projection's own kinds (the rebuild's ExpectedProjection), and every
 * record is written once, with the columns its store makes (the API's answer), through the store's
 * own writer, one transaction per chunk.
 * Chunks are added until there are that many customers (the last chunk may overshoot a little).
 * The chunks have their own seeds: a key a later chunk generates again is skipped, so every
 * record is one fold's. Prints one JSON line: customers, records, events folded, seconds; writes
 * `<file>.sample.json`: every 20th customer with one of their application numbers.
 */
import 'dotenv/config'

import fs from 'node:fs'

import { getPayload } from 'payload'

import { generateCorpus } from '../src/events/generate'
import { parse } from '../src/events/parse'
import type { ChatEvent } from '../src/events/types'
import config from '../src/payload.config'
import type { WithBookkeeping } from '../src/projections/define'
import { ExpectedProjection } from '../src/rebuild/target'
import { STORES } from '../src/store'
import { recordRow, writeKind } from '../src/store/records'
import { writerFor } from '../src/store/writer'

const wanted = Number(process.argv[2] ?? 50_000)
const CONVERSATIONS_PER_CHUNK = Math.min(5_000, Math.ceil(wanted * 1.2))

const started = performance.now()
const payload = await getPayload({ config })
payload.logger.level = 'warn'
const store = STORES.portal
const customers = new Set<string>()
const written = new Map<string, Set<string>>()
/** Customers and one application number each, for the load generator (written beside the file). */
const sample: Array<{ customerId: string; applicationNumber: string }> = []
let events = 0
let records = 0
for (let chunk = 0; customers.size < wanted; chunk++) {
  const corpus = generateCorpus({
    seed: 9_000 + chunk,
    conversations: CONVERSATIONS_PER_CHUNK,
    utterancesPerConversation: 2,
  })
  const parsed: ChatEvent[] = []
  corpus.forEach((fields, index) => {
    const result = parse(`${1_700_000_000_000 + chunk * 10_000_000 + index}-0`, Object.entries(fields).flat())
    if (result.ok) parsed.push(result.event)
  })
  events += parsed.length
  const target = new ExpectedProjection(store)
  target.add(parsed)
  await writerFor(payload).transaction('bench seed', async (tx) => {
    for (const entry of target.records) {
      const seen = written.get(entry.name) ?? new Set<string>()
      written.set(entry.name, seen)
      const writes = []
      for (const [key, state] of target.states.get(entry.name)!) {
        if (seen.has(key)) continue
        const customerId = (state as WithBookkeeping & { customerId?: string | null }).customerId
        if (entry.name === 'portalApplications' && customerId && !customers.has(customerId)) {
          customers.add(customerId)
          if (customers.size % 20 === 0) sample.push({ customerId, applicationNumber: key })
        }
        seen.add(key)
        writes.push({ key, stored: undefined, state, row: recordRow(entry.store, state, () => undefined) })
      }
      await writeKind(tx, entry.store, writes)
      records += writes.length
    }
  })
}
fs.writeFileSync(`${process.env.DATABASE_URI!.slice('file:'.length)}.sample.json`, JSON.stringify(sample))
console.log(
  JSON.stringify({ customers: customers.size, records, events, seconds: (performance.now() - started) / 1000 }),
)
await payload.destroy()
process.exit(0)
