/**
 * `pnpm worker [--projection dashboard,portal]`: consume chatLedger into every projection (or
 * those named, or WORKER_PROJECTIONS) until SIGTERM/SIGINT, then finish the batch in hand and
 * exit 0. Same Payload config as the app; settings from the environment (README, "Worker").
 */
import 'dotenv/config'

import { parseArgs } from 'node:util'

// A signal while the worker boots (modules, Payload, the database) finds nothing in hand: it exits
// 0 at once, as an orchestrator stopping a starting container expects. Once running, `stop`
// finishes the batch in hand first. The modules are imported after the handlers are in place.
let stop = async (_signal: string): Promise<void> => process.exit(0)
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))

const [{ getPayload }, { default: config }, { runWorkers }, { selectProjections, stopWhenIdleMs }] = await Promise.all([
  import('payload'),
  import('../payload.config'),
  import('../worker/runWorker'),
  import('../worker/settings'),
])

// Everything above is module loading: performance.now() counts from the process's start.
const modulesLoadedMs = performance.now()
const { values } = parseArgs({ options: { projection: { type: 'string', multiple: true } } })
const projections = selectProjections(values.projection?.flatMap((value) => value.split(',')))

const payload = await getPayload({ config })
const bootMs = Math.round(performance.now())
payload.logger.info(
  { bootMs, modulesMs: Math.round(modulesLoadedMs), payloadMs: bootMs - Math.round(modulesLoadedMs), projections },
  `worker booted in ${(bootMs / 1000).toFixed(1)} s (modules ${(modulesLoadedMs / 1000).toFixed(1)} s, ` +
    `Payload and database ${((bootMs - modulesLoadedMs) / 1000).toFixed(1)} s)`,
)
const running = runWorkers(payload, { projections, stopWhenIdleMs: stopWhenIdleMs() })

let stopping = false
stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  payload.logger.info({ signal }, 'stopping worker: finishing the batch in hand')
  await running.stop()
  await payload.destroy().catch(() => undefined)
  process.exit(0)
}

await running.done
await stop('idle')
