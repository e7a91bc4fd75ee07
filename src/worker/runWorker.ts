import type { Payload } from 'payload'

import { stringSetting } from '@/lib/env'
import { createRedis, describeRedisUrl, redisUrl } from '@/lib/redis'
import { isProjectionName, PROJECTION_NAMES, type ProjectionName } from '@/projections'
import { publishMessages } from '@/realtime/changeFeed'
import { STORES } from '@/store'

import { workerSettings } from './settings'
import { Worker } from './worker'

export type RunningWorkers = { workers: Worker[]; done: Promise<void>; stop: () => Promise<void> }

/**
 * The projections to run: `names` if given, else WORKER_PROJECTIONS (comma-separated), else all.
 * An unknown name stops the process with the list of known ones.
 */
export function selectProjections(names?: string[]): ProjectionName[] {
  const wanted = names?.length ? names : stringSetting('WORKER_PROJECTIONS', PROJECTION_NAMES.join(',')).split(',')
  const trimmed = [...new Set(wanted.map((name) => name.trim()).filter(Boolean))]
  const unknown = trimmed.filter((name) => !isProjectionName(name))
  if (unknown.length || trimmed.length === 0) {
    throw new Error(
      `unknown projection ${unknown.join(', ') || '(none given)'}: choose from ${PROJECTION_NAMES.join(', ')}`,
    )
  }
  return trimmed as ProjectionName[]
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
  return {
    workers,
    done,
    stop: async () => {
      await Promise.all(workers.map((worker) => worker.stop()))
      await done.catch(() => undefined)
      for (const { reader, redis } of connections) {
        reader.disconnect()
        redis.disconnect()
      }
    },
  }
}
