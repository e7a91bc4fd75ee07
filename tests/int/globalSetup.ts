import type { TestProject } from 'vitest/node'

import { startRedisServer } from '../../src/server/redisServer'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

/** One real redis-server for the whole integration run, on a free port; tests use unique key prefixes. */
export default async function setup(project: TestProject) {
  const redis = await startRedisServer()
  project.provide('redisUrl', redis.url)
  return () => redis.stop()
}
