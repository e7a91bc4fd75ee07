/**
 * The main job: the dashboard app on the embedded default, with Redis.
 *
 *   tsx src/scripts/serve.ts [--prod] [--port 3000] [--redis-port N] [--demo]
 *
 * REDIS_URL unset → starts a private redis-server on a free port (installing it with apt
 * when root). --prod serves the production build (`next start`; a new SQLite file is migrated);
 * otherwise `next dev`. The worker runs inside the app (ENABLE_EVENT_PROCESSING, default true).
 * --demo feeds the private Redis a few live generated conversations (never a Redis you named in
 * REDIS_URL). Prints the URL once the admin answers; Ctrl-C stops everything.
 */
import 'dotenv/config'

import { type ChildProcess, spawn } from 'node:child_process'
import { parseArgs } from 'node:util'

import { describeRedisUrl } from '../lib/redis'
import { type LocalRedis, startRedisServer } from '../server/redisServer'

const { values: args } = parseArgs({
  options: {
    prod: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT || '3000' },
    'redis-port': { type: 'string' },
    demo: { type: 'boolean', default: false },
  },
})

const children: ChildProcess[] = []
let redis: LocalRedis | undefined

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before answering`)
    try {
      const res = await fetch(url, { redirect: 'manual' })
      if (res.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
}

async function shutdown(code: number) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  await Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)),
  )
  await redis?.stop()
  process.exit(code)
}

async function main() {
  if (!process.env.REDIS_URL) {
    redis = await startRedisServer({ port: args['redis-port'] ? Number(args['redis-port']) : undefined })
    process.env.REDIS_URL = redis.url
    console.log(`Started a private redis-server at ${redis.url} (set REDIS_URL to use your own).`)
  } else {
    console.log(`Using Redis at ${describeRedisUrl(process.env.REDIS_URL)}.`)
  }
  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    ENABLE_EVENT_PROCESSING: process.env.ENABLE_EVENT_PROCESSING ?? 'true',
    // Emailed links (password resets) point here unless told otherwise.
    SERVER_URL: process.env.SERVER_URL || `http://localhost:${args.port}`,
  }
  const app = spawn('pnpm', ['exec', 'next', args.prod ? 'start' : 'dev', '--port', args.port], {
    stdio: 'inherit',
    env,
  })
  children.push(app)
  app.on('exit', (code) => {
    console.error(`The app exited (${code}).`)
    void shutdown(code || 1)
  })

  const url = `http://localhost:${args.port}/admin`
  await waitForHttp(url, app)
  console.log(`\n  Billie supervisor dashboard: ${url}\n  (the first account you create there is the admin)\n`)
  if (args.demo && redis) {
    const producer = spawn(
      'pnpm',
      ['exec', 'tsx', 'src/scripts/test-events.ts', '--follow', '--conversations', '6', '--rate', '4'],
      {
        stdio: 'inherit',
        env,
      },
    )
    children.push(producer)
  } else if (args.demo) {
    console.log('No demo traffic: REDIS_URL names your own Redis, and demo conversations only go to a private one.')
  }
}

process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))
main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  void shutdown(1)
})
