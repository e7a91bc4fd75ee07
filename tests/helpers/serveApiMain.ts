/**
 * A second app process for tests: Payload's REST API over HTTP (as serveApi.ts serves it) on a
 * free port, with this process's environment (database, Redis, secrets). Prints `listening <url>`.
 */
import config from '@/payload.config'

import { serveApi } from './serveApi'

const server = await serveApi(config)
console.log(`listening ${server.url}`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
