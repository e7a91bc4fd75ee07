/** The projection writer's contract on the embedded database (SQLite); MongoDB runs it in mongodb.int. */
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll } from 'vitest'

import config from '@/payload.config'

import { writerContract } from '../helpers/writerContract'

let payload: Payload

beforeAll(async () => {
  payload = await getPayload({ config })
  payload.logger.level = 'error'
})

afterAll(async () => {
  await payload?.destroy()
})

writerContract(() => payload)
