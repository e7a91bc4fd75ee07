/** Replay: a range of the stream projected again through the worker's own batch path (idempotent). */

import { entryIdBefore } from '@/events/entryId'
import type { ChatEvent } from '@/events/types'
import { projectBatch } from '@/store'

import { noneSkipped, positionOf, readStream, type Skipped, skip, streamExtent } from './streamReader'
import { type JobContext, namingTheEntry, publish } from './diff'

export type ReplayReport = { read: number; replayed: number; changed: number; skipped: Skipped }

/**
 * Projects the entries from `from` to `to` (entry ids or ISO times; one conversation's only,
 * with `conversation`) again, through the worker's batch path, announcing what changes.
 * Idempotent: what the records already hold changes nothing.
 */
export async function replay(
  context: JobContext,
  { from, to, conversation }: { from: string; to?: string; conversation?: string },
): Promise<ReplayReport> {
  const start = positionOf(from, 'from')
  const end = to ? positionOf(to, 'to') : '+'
  const { length } = await streamExtent(context.redis, context.stream)
  await context.run.report({ phase: 'reading', total: length }, true)
  const report: ReplayReport = { read: 0, replayed: 0, changed: 0, skipped: noneSkipped() }
  for await (const page of readStream(context.redis, context.stream, {
    after: entryIdBefore(start) ?? '0-0',
    to: end,
    pageSize: 500,
  })) {
    report.read += page.read
    skip(report.skipped, page.malformed)
    const events = conversation ? page.events.filter((event) => event.conversationId === conversation) : page.events
    const project = async (part: ChatEvent[]) => {
      const { fence } = context.run
      const changes = await projectBatch(context.payload, context.store, part, { source: 'replay', fence })
      report.replayed += part.length
      report.changed += Object.values(changes.records).reduce((sum, list) => sum + (list?.length ?? 0), 0)
      await publish(context, changes.messages)
    }
    if (events.length) await namingTheEntry(events, project, (event) => event.entryId, 'projecting')
    await context.run.report({ phase: 'writing', read: report.read, written: report.changed })
    await context.run.checkpoint()
  }
  return report
}
