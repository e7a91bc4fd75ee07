/**
 * Next.js calls register() once when a server starts. With ENABLE_EVENT_PROCESSING=true the
 * stream worker runs inside this server, on the same Payload instance the app uses (with the
 * operations monitor); otherwise the server runs the monitor alone, so alerts such as "no live
 * worker" are raised even when every worker is down.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  // First: requests parsed from now on carry their socket's address (the portal's rate limit).
  const { recordSocketAddresses } = await import('./portal/clientAddress')
  recordSocketAddresses()
  const { warnIfPortalRefusesTokens } = await import('./portal/boot')
  await warnIfPortalRefusesTokens()
  const { booleanSetting } = await import('./lib/env')
  if (booleanSetting('ENABLE_EVENT_PROCESSING', false)) {
    const { startEmbeddedWorker } = await import('./worker/embedded')
    return startEmbeddedWorker()
  }
  const [{ getPayload }, { default: config }, { startMonitor }, { createRedis }] = await Promise.all([
    import('payload'),
    import('@payload-config'),
    import('./ops/monitor'),
    import('./lib/redis'),
  ])
  const payload = await getPayload({ config })
  const redis = createRedis(undefined, { connectionName: 'ops-monitor' })
  redis.on('error', () => undefined)
  startMonitor(redis, payload.logger)
}
