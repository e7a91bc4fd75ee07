import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { booleanSetting } from '@/lib/env'
import { createRedis, describeRedisUrl, redisUrl } from '@/lib/redis'
import { startMonitor } from '@/ops/monitor'
import type { ProjectionName } from '@/projections'
import { JobAlreadyRunning, runJob } from '@/rebuild'
import { projectionStatus } from '@/rebuild/status'
import { publishMessages } from '@/realtime/changeFeed'
import { STORES } from '@/store'

import { selectProjections, workerSettings } from './settings'
import { Worker } from './worker'

export type RunningWorkers = { workers: Worker[]; done: Promise<void>; stop: () => Promise<void> }

/**
 * REBUILD_ON_VERSION_CHANGE: when the deployed code's version of a projection differs from the
 * version that built its stored records, rebuild it (beside the live worker, which goes on).
 * Another instance doing the same finds the lock taken and leaves it to that one.
 */
async function rebuildIfOutdated(payload: Payload, redis: Redis, name: ProjectionName): Promise<void> {
  const log = payload.logger.child({ projection: name })
  try {
    // Give the worker a moment to create its group (and record the version of a new projection).
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const { rebuildNeeded, storedVersion: stored, version } = await projectionStatus(redis, name)
    if (!rebuildNeeded) return
    log.warn(
      { stored: stored ?? 'unknown', version },
      'projection version changed: rebuilding (REBUILD_ON_VERSION_CHANGE)',
    )
    const result = await runJob(payload, redis, 'rebuild', name, { by: 'auto: version change' })
    log.info({ report: result.job === 'rebuild' ? result.report : undefined }, 'rebuild after a version change done')
  } catch (error) {
    if (error instanceof JobAlreadyRunning) return log.info(error.message)
    log.error({ err: error instanceof Error ? error.message : String(error) }, 'rebuild after a version change failed')
  }
}

/**
 * Starts one worker per projection on this Payload instance, each with two Redis connections of
 * its own, so a failure or a slow batch in one never holds another back. Each committed batch's
 * change-feed messages are published (src/realtime) in one pipeline. stop() stops them all.
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
  if (booleanSetting('REBUILD_ON_VERSION_CHANGE', false)) {
    for (const { name, redis } of connections) void rebuildIfOutdated(payload, redis, name)
  }
  return {
    workers,
    done,
    stop: async () => {
      monitor.stop()
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
