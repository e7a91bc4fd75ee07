/**
 * `pnpm exec tsx src/server/test-redis-connection.ts`: can this machine reach the Redis in REDIS_URL?
 * Prints what it found, or a diagnosis: host, port, the error, and what to do.
 */
import 'dotenv/config'

import { createRedis, describeRedisUrl, redisUrl } from '../lib/redis'

const STREAM = process.env.CHAT_LEDGER_STREAM || 'chatLedger'

const advice: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there: start Redis (redis-server --port <port> --daemonize yes) or fix REDIS_URL',
  ENOTFOUND: 'the host name does not resolve: check the host in REDIS_URL',
  ETIMEDOUT: 'no answer: check the host, the port and any firewall between here and Redis',
  NOAUTH: 'Redis wants a password: put it in REDIS_URL (redis://:password@host:port)',
  WRONGPASS: 'the password in REDIS_URL is wrong',
}

async function main(): Promise<number> {
  const url = redisUrl()
  const where = describeRedisUrl(url)
  const redis = createRedis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
  })
  // The socket's own error (ECONNREFUSED, ENOTFOUND…) says more than the rejected connect().
  let socketError: Error | undefined
  redis.on('error', (error) => (socketError ??= error))
  try {
    await redis.connect()
    const pong = await redis.ping()
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown'
    const length = await redis.xlen(STREAM)
    const groups = length > 0 ? ((await redis.xinfo('GROUPS', STREAM)) as unknown[]).length : 0
    console.log(
      `OK: ${where} answered ${pong} (Redis ${version}); ` +
        `stream ${STREAM} holds ${length} entries, ${groups} consumer group(s).`,
    )
    return 0
  } catch (error) {
    const err = (socketError ?? error) as NodeJS.ErrnoException
    const code = err.code ?? /^(\w+)/.exec(err.message)?.[1] ?? 'ERROR'
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    console.error(`FAILED: cannot reach Redis at ${where}`)
    console.error(`  host:  ${parsed?.hostname ?? '?'}`)
    console.error(`  port:  ${parsed?.port || 6379}`)
    console.error(`  error: ${code}: ${err.message}`)
    console.error(`  what to do: ${advice[code] ?? 'check that Redis runs and that REDIS_URL points at it'}`)
    return 1
  } finally {
    redis.disconnect()
  }
}

void main().then((code) => process.exit(code))
