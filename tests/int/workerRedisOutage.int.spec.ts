import crypto from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'

import { expectDatabaseToEqual } from '../helpers/compare'
import { countersOf, startWorker, untilProcessed } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { appendAll, groupInfo, oracleOf, waitUntilDrained, dlqOf } from '../helpers/stream'
import { until } from '../helpers/wait'

const opened = openPayloadAndRedis()

describe('the worker while Redis drops its connections', () => {
  it('reconnects and goes on: every entry projected once and acknowledged, nothing dead-lettered', async () => {
    const { payload, redis } = opened
    // Given a worker draining 6,000 events in batches of 100
    const stream = `test:redis-blip:${crypto.randomUUID()}`
    const appended = await appendAll(
      redis,
      stream,
      generateCorpus({ events: 6_000, seed: 405, retries: 30, foreignAgents: 20 }),
    )
    const name = `redis-blip-${stream.slice(-8)}`
    // (A read whose reply is lost leaves its entries pending with this consumer: with a short
    // claim threshold it takes them back within seconds. It runs until told to stop.)
    const { settings, worker, done } = startWorker(payload, stream, {
      connectionName: name,
      batchSize: 100,
      claimIdleMs: 1_000,
      stopWhenIdleMs: 600_000,
    })
    await untilProcessed(redis, settings, 500)

    // When Redis drops its connections (CLIENT KILL) every 300 ms, until it has dropped ten (about
    // 3 s; longer on a busy machine, where the worker takes longer to connect again)
    let killed = 0
    const dropConnections = async () => {
      const clients = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'normal'))
        .split('\n')
        .filter((line) => line.includes(` name=${name} `))
      for (const line of clients)
        killed += Number(await redis.call('CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(line)![1]!))
      return killed >= 10
    }
    await until(dropConnections, 'ten of its connections dropped', { timeoutMs: 60_000, everyMs: 300 })
    const during = await groupInfo(redis, stream, settings.group)
    await waitUntilDrained(redis, stream, settings.group, 60_000)
    await worker.stop()
    await done

    // Then the drain was still under way after the drops, and ended with every entry acknowledged
    expect(killed, 'connections dropped').toBeGreaterThanOrEqual(10)
    expect(during!.lag + during!.pending, 'entries still to project after the drops').toBeGreaterThan(0)
    const after = await countersOf(redis, settings)
    expect(after.deadLettered).toBe(0)
    // Counters are at least once here: a metrics MULTI whose reply is lost is sent again.
    expect(after.processed + after.skipped).toBeGreaterThanOrEqual(appended.length)
    expect(await redis.xlen(dlqOf(stream)), 'dead letters').toBe(0)
    expect(await groupInfo(redis, stream, settings.group)).toEqual({ pending: 0, lag: 0 })
    // and the database holds every effect exactly once
    await expectDatabaseToEqual(payload, oracleOf(appended))
  })
})
