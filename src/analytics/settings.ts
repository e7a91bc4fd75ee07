import type { SanitizedConfig } from 'payload'

import { timeZoneSetting } from '@/lib/env'

/** The time zone analytics count days and hours in, unless BUSINESS_TIME_ZONE names another. */
export const DEFAULT_BUSINESS_TIME_ZONE = 'Australia/Sydney'

/**
 * BUSINESS_TIME_ZONE, read once when the Payload config is built (so an unknown zone stops the
 * app, the worker and the CLIs at start, naming the variable), then kept in the config's `custom`.
 */
export const readBusinessTimeZone = (): string => timeZoneSetting('BUSINESS_TIME_ZONE', DEFAULT_BUSINESS_TIME_ZONE)

/** The business time zone the running config was built with. */
export const businessTimeZone = (config: Pick<SanitizedConfig, 'custom'>): string =>
  (config.custom as { businessTimeZone: string }).businessTimeZone
