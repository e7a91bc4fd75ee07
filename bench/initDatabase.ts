/** Creates the schema in DATABASE_URI and exits (benchmarks start workers on a ready database). */
import 'dotenv/config'

import { getPayload } from 'payload'

import config from '../src/payload.config'

const payload = await getPayload({ config })
await payload.destroy()
process.exit(0)
