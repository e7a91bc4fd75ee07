import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'

import { freePort } from './freePort'

export type LocalRedis = { url: string; port: number; stop: () => Promise<void> }

const findRedisServer = (): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim()
  return found || undefined
}

/**
 * The redis-server binary, installed with apt when it is missing and we are root;
 * otherwise an error that says exactly what to install.
 */
export function ensureRedisServerBinary(): string {
  const existing = findRedisServer()
  if (existing) return existing
  if (os.userInfo().uid === 0 && fs.existsSync('/usr/bin/apt-get')) {
    console.log('redis-server is not installed: installing it with apt-get (Debian package redis-server)…')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
    spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env })
    const installed = findRedisServer()
    if (installed) return installed
  }
  throw new Error(
    'redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; ' +
      'macOS: brew install redis) or point REDIS_URL at a running Redis.',
  )
}

const waitForPing = async (child: ChildProcess, port: number, timeoutMs = 10_000) => {
  const { default: Redis } = await import('ioredis')
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} on port ${port}`)
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    client.on('error', () => undefined)
    try {
      await client.connect()
      if ((await client.ping()) === 'PONG') return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      client.disconnect()
    }
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms`)
}

/**
 * Starts a throwaway redis-server on a free loopback port: no persistence, or with `dataDir` an
 * append-only file there, so a server stopped and started again on the same port and directory
 * comes back with its data (an outage, not a loss).
 */
export async function startRedisServer({
  port,
  dataDir,
}: { port?: number; dataDir?: string } = {}): Promise<LocalRedis> {
  const binary = ensureRedisServerBinary()
  const chosen = port ?? (await freePort())
  const persistence = dataDir ? ['--dir', dataDir, '--appendonly', 'yes'] : ['--appendonly', 'no']
  const child = spawn(binary, ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', ...persistence], {
    stdio: 'ignore',
  })
  await waitForPing(child, chosen)
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
