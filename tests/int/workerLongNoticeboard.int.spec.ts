import crypto from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { generateCorpus, type StreamEntryFields } from '@/events/generate'

import { expectDatabaseToEqual } from '../helpers/compare'
import { countersOf, startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { appendAll, deadLettersOf, groupInfo, oracleOf } from '../helpers/stream'

/*
 * A long conversation whose agents post to the noticeboard at every turn: every post moves the
 * agent's previous note into its versions, and nothing caps them (DESIGN: every update is kept).
 * The application must keep taking events however long its noticeboard history grows.
 */
const AGENTS = ['identity-agent', 'serviceability-agent', 'fraud-agent', 'broker-agent']

const opened = openPayloadAndRedis()

describe('an application whose noticeboard keeps growing', () => {
  it('projects 8,000 noticeboard posts (four agents) and the decision after them; nothing dead-lettered', async () => {
    const { payload, redis } = opened
    // Given a conversation, then 2,000 rounds of posts by four agents, then its decision
    const corpus: StreamEntryFields[] = generateCorpus({ conversations: 1, seed: 808 })
    const started = corpus.find((fields) => fields.typ === 'conversation_started')!
    const at = Date.parse(started.tsp!)
    const event = (typ: string, i: number, dat: object): StreamEntryFields => ({
      agt: 'broker',
      typ,
      cid: started.cid!,
      aid: started.aid!,
      uid: started.uid!,
      seq: String(10_000 + i),
      tsp: new Date(at + i * 1_000).toISOString(),
      dat: JSON.stringify(dat),
    })
    const posts = Array.from({ length: 8_000 }, (_, i) =>
      event('noticeboard_updated', i, {
        agentName: AGENTS[i % 4],
        content: `Round ${Math.floor(i / 4)}: all checks on track.`,
      }),
    )
    const stream = `test:noticeboard:${crypto.randomUUID()}`
    const appended = await appendAll(redis, stream, [
      ...corpus,
      ...posts,
      event('final_decision', 8_000, { decision: 'approved' }),
    ])

    // When one worker drains it
    const { settings, done } = startWorker(payload, stream, {
      connectionName: 'noticeboard',
      batchSize: 250,
    })
    await done

    // Then every post is kept (each note with its versions), the decision is in, nothing is dead-lettered
    expect(await deadLettersOf(redis, stream)).toEqual([])
    expect((await countersOf(redis, settings)).deadLettered).toBe(0)
    expect(await groupInfo(redis, stream, settings.group)).toEqual({ pending: 0, lag: 0 })
    const { docs } = await payload.find({
      collection: 'applications',
      where: { applicationNumber: { equals: started.aid } },
      depth: 0,
    })
    const notes = new Map(docs[0]?.noticeboard?.map((note) => [note.agentName, note]))
    for (const agent of AGENTS) {
      expect(notes.get(agent)?.content).toBe('Round 1999: all checks on track.')
      expect(notes.get(agent)?.versions?.length).toBe(1_999)
      expect(notes.get(agent)?.versions?.[0]?.content).toBe('Round 0: all checks on track.')
    }
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })
})
