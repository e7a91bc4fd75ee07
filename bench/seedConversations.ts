/**
 * Seeds DATABASE_URI (fresh) with N conversation records, straight into the table (no hooks, no
 * change feed): `NODE_ENV=production node --import tsx bench/seedConversations.ts 50000`.
 * Run with NODE_ENV=production so the schema comes from the migrations the app applies on boot.
 */
import 'dotenv/config'

import { getPayload } from 'payload'

import config from '../src/payload.config'
import { seedConversations } from '../tests/helpers/seedConversations'

const count = Number(process.argv[2] ?? 50_000)
const payload = await getPayload({ config })
await seedConversations(payload, count, { prefix: 'bench-conv' })
await payload.destroy()
process.exit(0)
