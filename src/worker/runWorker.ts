import type { Payload } from 'payload'

import { createRedis, describeRedisUrl, redisUrl } from '@/lib/redis'
import { startMonitor } from '@/ops/monitor'
import type { ProjectionName } from '@/projections'
import { publishMessages } from '@/realtime/changeFeed'
import { STORES } from '@/store'

import { selectProjections, workerSettings } from './settings'
import { superviseJobs } from '@/ops/jobSupervisor'
import { Worker } from './worker'

export type RunningWorkers = { workers: Worker[]; done: Promise<void>; stop: () => Promise<void> }

/**
 * Starts one worker per projection on this Payload instance, each with two Redis connections of
 * its own, so a failure or a slow batch in one never holds another back. Each committed batch's
 * change-feed messages are published (src/realtime) in one pipeline. stop() stops them all.
 * Beside them, the watch over verify and rebuild jobs (src/ops/jobSupervisor.ts): jobs whose
 * process died are started again, in processes of their own.
 */
export function runWorkers(
  payload: Payload,
  {
    projections = selectProjections(),
    stopWhenIdleMs,
  }: { projections?: ProjectionName[]; stopWhenIdleMs?: number } = {},
): RunningWorkers {
  const url = redisUrl()
  const connections = projections.flatMap((name) => {
    const reader = createRedis(url, { connectionName: `worker-reader-${name}` })
    const redis = createRedis(url, { connectionName: `worker-${name}` })
    for (const client of [reader, redis]) {
      client.on('error', (error) =>
        payload.logger.warn(
          { redis: describeRedisUrl(url), projection: name, err: error.message },
          'Redis connection error',
        ),
      )
    }
    return [{ name, reader, redis }]
  })
  const workers = connections.map(
    ({ name, reader, redis }) =>
      new Worker({
        payload,
        store: STORES[name],
        reader,
        redis,
        settings: workerSettings(STORES[name].projection),
        stopWhenIdleMs,
        onCommitted: (messages) => publishMessages(redis, messages),
      }),
  )
  const done = Promise.all(workers.map((worker) => worker.start())).then(() => undefined)
  // The operations monitor (charts, alerts, webhook) on a connection of its own: never in a worker's way.
  const monitorRedis = createRedis(url, { connectionName: 'ops-monitor' })
  monitorRedis.on('error', () => undefined)
  const monitor = startMonitor(monitorRedis, payload.logger)
  const supervisor = superviseJobs(monitorRedis, payload.logger, projections)
  return {
    workers,
    done,
    stop: async () => {
      monitor.stop()
      supervisor.stop()
      monitorRedis.disconnect()
      await Promise.all(workers.map((worker) => worker.stop()))
      await done.catch(() => undefined)
      for (const { reader, redis } of connections) {
        reader.disconnect()
        redis.disconnect()
      }
    },
  }
}
