/** What the Next server says about the portal API at boot (src/instrumentation.ts), not only to each caller. */
import config from '@payload-config'
import { getPayload } from 'payload'

import { portalSettings } from './settings'

/** Logs why customer tokens will be refused (503), when they will be. */
export async function warnIfPortalRefusesTokens(): Promise<void> {
  const { unconfigured } = portalSettings()
  if (unconfigured) (await getPayload({ config })).logger.warn(unconfigured)
}
