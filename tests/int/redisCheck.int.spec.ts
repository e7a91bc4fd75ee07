import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

import { freePort } from '@/server/freePort'

const run = async (redisUrl: string) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/server/test-redis-connection.ts'],
      {
        env: { ...process.env, REDIS_URL: redisUrl },
      },
    )
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: failed.stdout + failed.stderr }
  }
}

describe('src/server/test-redis-connection.ts', () => {
  it('reports success with the server version and the stream', async () => {
    const { code, output } = await run(process.env.REDIS_URL!)
    expect(code).toBe(0)
    expect(output).toMatch(
      /^OK: redis:\/\/127\.0\.0\.1:\d+(\/\d+)? answered PONG \(Redis \d+\.\d+\.\d+\); stream chatLedger holds \d+ entries/,
    )
  })

  it('diagnoses an unreachable Redis: host, port, error and what to do', async () => {
    const port = await freePort()
    const { code, output } = await run(`redis://127.0.0.1:${port}`)
    expect(code).toBe(1)
    expect(output).toContain(`FAILED: cannot reach Redis at redis://127.0.0.1:${port}`)
    expect(output).toContain('host:  127.0.0.1')
    expect(output).toContain(`port:  ${port}`)
    expect(output).toContain('error: ECONNREFUSED')
    expect(output).toContain('what to do: nothing listens there')
  })
})
