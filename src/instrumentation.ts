/**
 * Next.js calls register() once when a server starts. With ENABLE_EVENT_PROCESSING=true the
 * stream worker runs inside this server, on the same Payload instance the app uses.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { booleanSetting } = await import('./lib/env')
  if (!booleanSetting('ENABLE_EVENT_PROCESSING', false)) return
  const { startEmbeddedWorker } = await import('./worker/embedded')
  await startEmbeddedWorker()
}
