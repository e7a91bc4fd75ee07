import { getPayload } from 'payload'

import config from '@payload-config'

import { runWorkers } from './runWorker'

/** The workers inside the Next server (ENABLE_EVENT_PROCESSING=true), on the app's Payload instance. */
export async function startEmbeddedWorker(): Promise<void> {
  const payload = await getPayload({ config })
  const running = runWorkers(payload)
  payload.logger.info('event processing enabled: the stream workers run inside this server')
  const stop = () => void running.stop()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
