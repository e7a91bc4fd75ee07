/**
 * Settings from the environment, parsed with zod like everything else at the edge. Unset or empty
 * means the default; anything else must parse, or the process stops with a message that names the
 * variable and what it expects.
 */
import { z } from 'zod'

const nonNegative = z.coerce.number().int().min(0)
const positive = z.coerce.number().int().min(1)

function parsed<T>(name: string, schema: z.ZodType<T>, expected: string, fallback: T): T {
  const raw = process.env[name]?.trim()
  if (!raw) return fallback
  const result = schema.safeParse(raw)
  if (!result.success) throw new Error(`${name}=${raw} is not ${expected}`)
  return result.data
}

/** A whole number ≥ 0 (milliseconds, counts). */
export const intSetting = (name: string, fallback: number): number =>
  parsed(name, nonNegative, 'a non-negative integer', fallback)

/** A whole number ≥ 1. */
export const positiveIntSetting = (name: string, fallback: number): number =>
  parsed(name, positive, 'a positive integer', fallback)

/** `true`/`false` (also 1/0, yes/no). */
export const booleanSetting = (name: string, fallback: boolean): boolean =>
  parsed(name, z.stringbool(), 'true or false', fallback)

/** A string, trimmed; unset or empty gives the fallback. */
export const stringSetting = (name: string, fallback: string): string => process.env[name]?.trim() || fallback

/** An origin (`https://dashboard.example.com`, `http://localhost:3000`): protocol, host and port, no path. */
export const originSetting = (name: string): string | undefined => {
  const raw = process.env[name]?.trim()
  if (!raw) return undefined
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== raw.replace(/\/$/, '')) {
    throw new Error(`${name}=${raw} is not an origin: write it as https://host[:port], without a path`)
  }
  return url.origin
}

/** An IANA time zone name, any case (`australia/sydney`), as its canonical spelling. */
export const timeZoneSetting = (name: string, fallback: string): string =>
  parsed(
    name,
    z.string().transform((zone, context) => {
      try {
        return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
      } catch {
        context.addIssue({ code: 'custom', message: 'unknown time zone' })
        return z.NEVER
      }
    }),
    'an IANA time zone name (such as Australia/Sydney or Europe/London)',
    fallback,
  )

/** An http:// or https:// URL; unset or empty gives undefined. */
export const urlSetting = (name: string): string | undefined =>
  parsed<string | undefined>(name, z.url({ protocol: /^https?$/ }), 'an http:// or https:// URL', undefined)
