/*
 * Alerts against a local HTTP receiver: dead letters that grow fire an alert, POSTed to the
 * webhook (retried after the receiver fails once); it resolves, and is POSTed again, only once
 * the condition has been clear for ALERT_CLEAR_FOR_SECONDS. Ticks are run by the test, at the
 * times it gives them.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import { deliverDue, firingAlerts, monitorTick } from '@/ops/monitor'
import { opsSettings } from '@/ops/settings'

import { startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { appendAll } from '../helpers/stream'
import { sleep } from '../helpers/wait'

const opened = openPayloadAndRedis()
const stream = `test:alerts:${crypto.randomUUID()}`
const received: Array<{ status: string; alert: { rule: string; subject: string; summary: string } }> = []
let failNext = 1
let receiver: http.Server
let url: string
beforeAll(async () => {
  process.env.CHAT_LEDGER_STREAM = stream
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString()) as (typeof received)[number]
    // The first delivery of the dead-letter alert fails: the monitor must try again.
    if (body.alert.rule === 'dead-letters-growing' && failNext > 0) {
      failNext--
      return res.writeHead(500).end()
    }
    received.push(body)
    res.writeHead(204).end()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
})

afterAll(async () => {
  delete process.env.CHAT_LEDGER_STREAM
  await new Promise((resolve) => receiver.close(resolve))
})

describe('alerts', () => {
  it('fire when dead letters grow, are POSTed (retried), and resolve only after a clear spell', async () => {
    const { redis, payload } = opened
    payload.logger.level = 'fatal'
    const settings = { ...opsSettings(), alertWebhookUrl: url, monitorEveryMs: 100, alertClearForSeconds: 60 }
    const t0 = Date.now()
    const tick = async (at: number) => {
      await sleep(120) // the tick's lock lasts 90 % of monitorEveryMs
      expect(await monitorTick(redis, settings, at)).toBeDefined()
    }
    // Given a first tick with nothing dead-lettered
    await tick(t0)
    // When a drain dead-letters two malformed entries
    await appendAll(redis, stream, generateCorpus({ conversations: 1, seed: 4040, malformed: 2 }))
    await startWorker(payload, stream, { connectionName: 'alerts' }).done
    await tick(t0 + 10_000)
    // Then the alert fires, shows among the firing alerts, and reaches the webhook on the second try
    const growing = (await firingAlerts(redis)).find((alert) => alert.rule === 'dead-letters-growing')
    expect(growing).toMatchObject({ subject: 'dashboard', value: 2 })
    await deliverDue(redis, payload.logger, settings)
    expect(received.filter((body) => body.alert.rule === 'dead-letters-growing')).toEqual([])
    await sleep(1_100)
    await deliverDue(redis, payload.logger, settings)
    const firing = received.filter((body) => body.alert.rule === 'dead-letters-growing')
    expect(firing).toEqual([
      expect.objectContaining({ status: 'firing', alert: expect.objectContaining({ subject: 'dashboard' }) }),
    ])

    // When no more dead letters arrive for 30 s: still firing (no flapping)
    await tick(t0 + 20_000)
    await tick(t0 + 50_000)
    expect((await firingAlerts(redis)).map((alert) => alert.rule)).toContain('dead-letters-growing')
    // When it has been clear for 60 s: resolved, and POSTed as resolved
    await tick(t0 + 80_000)
    expect((await firingAlerts(redis)).map((alert) => alert.rule)).not.toContain('dead-letters-growing')
    await deliverDue(redis, payload.logger, settings)
    expect(received.filter((body) => body.alert.rule === 'dead-letters-growing').map((body) => body.status)).toEqual([
      'firing',
      'resolved',
    ])
  })
})
