import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { inject } from 'vitest'

// Each test file runs in its own worker with a throwaway SQLite file, and files that run at the
// same time use different Redis databases of the one server (its change feed, locks and presence
// keys have fixed names), so files never share state.
const dir = path.resolve('.tmp/int')
fs.mkdirSync(dir, { recursive: true })
const file = path.join(dir, `${crypto.randomUUID()}.db`)
process.env.DATABASE_URI ||= `file:${file}`
process.env.PAYLOAD_SECRET ||= crypto.randomBytes(24).toString('hex')
process.env.PORTAL_JWT_SECRET ||= crypto.randomBytes(24).toString('hex')
process.env.REDIS_URL = `${inject('redisUrl')}/${Number(process.env.VITEST_POOL_ID ?? 0)}`
process.env.MEDIA_DIR = path.join(dir, 'media')
// Under `vitest --coverage`, the Node processes the tests start record V8 coverage too
// (tests/coverage/provider.ts merges it); this worker itself is measured by vitest.
if (process.env.VITEST_CHILD_COVERAGE_DIR) process.env.NODE_V8_COVERAGE = process.env.VITEST_CHILD_COVERAGE_DIR
