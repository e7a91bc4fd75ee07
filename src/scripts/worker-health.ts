/**
 * `node --import tsx src/scripts/worker-health.ts`: the healthcheck of a container (or host) that
 * runs `pnpm worker` (docker-compose.yml uses it). Exits 0 when, for every projection the worker
 * runs (WORKER_PROJECTIONS), a consumer of this host (`WORKER_ID@<host name>:…`) has sent a
 * heartbeat within HEALTH_WORKER_STALE_MS; otherwise exits 1 and says what is missing. A worker
 * heartbeats after every batch and every idle read, and while it waits out a database outage; one
 * whose loop is stuck, or that cannot reach Redis, does not.
 */
import 'dotenv/config'

import { createRedis, describeRedisUrl, redisUrl } from '../lib/redis'
import { chatLedgerStream, consumerPrefix } from '../lib/stream'
import { opsSettings } from '../ops/settings'
import { PROJECTIONS } from '../projections'
import { metricsKeys } from '../worker/metrics'
import { selectProjections } from '../worker/settings'

const projections = selectProjections()
const stream = chatLedgerStream()
const prefix = consumerPrefix()
const { workerStaleMs } = opsSettings()
const redis = createRedis(redisUrl(), {
  connectionName: 'worker-health',
  maxRetriesPerRequest: 1,
  retryStrategy: () => null,
})
let lastError = ''
redis.on('error', (error: Error) => (lastError = error.message))

try {
  const since = Date.now() - workerStaleMs
  const silent: string[] = []
  for (const name of projections) {
    const { workers } = metricsKeys({ stream, group: PROJECTIONS[name].group })
    const alive = await redis.zrangebyscore(workers, since, '+inf')
    if (!alive.some((consumer) => consumer.startsWith(prefix))) silent.push(name)
  }
  if (silent.length) {
    console.error(`no heartbeat from ${prefix}… within ${workerStaleMs} ms for ${silent.join(', ')} (on ${stream})`)
    process.exitCode = 1
  } else {
    console.log(`${prefix}… alive for ${projections.join(', ')}`)
  }
} catch (error) {
  const reason = lastError || (error instanceof Error ? error.message : String(error))
  console.error(`Redis at ${describeRedisUrl(redisUrl())} did not answer (${reason}): is REDIS_URL right?`)
  process.exitCode = 1
} finally {
  redis.disconnect()
}
