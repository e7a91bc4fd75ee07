/**
 * `pnpm worker`: consume chatLedger into the collections until SIGTERM/SIGINT, then finish the
 * batch in hand and exit 0. Same Payload config as the app; settings from the environment
 * (README, "Worker").
 */
import 'dotenv/config'

import { getPayload } from 'payload'

import config from '../payload.config'
import { runWorker } from '../worker/runWorker'

const payload = await getPayload({ config })
const running = runWorker(payload, {
  stopWhenIdleMs: process.env.WORKER_STOP_WHEN_IDLE_MS ? Number(process.env.WORKER_STOP_WHEN_IDLE_MS) : undefined,
})

let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  payload.logger.info({ signal }, 'stopping worker: finishing the batch in hand')
  await running.stop()
  await payload.destroy().catch(() => undefined)
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))

await running.worker.start()
await stop('idle')
