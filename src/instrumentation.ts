/**
 * Next.js calls register() once when a server starts. With ENABLE_EVENT_PROCESSING=true the
 * stream worker runs inside this server, on the same Payload instance the app uses.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.ENABLE_EVENT_PROCESSING !== 'true') return
  const [{ getPayload }, { default: config }, { runWorker }] = await Promise.all([
    import('payload'),
    import('@payload-config'),
    import('./worker/runWorker'),
  ])
  const payload = await getPayload({ config })
  const running = runWorker(payload)
  const stop = () => void running.stop()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
