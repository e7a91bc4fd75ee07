/**
 * Every setting, checked once when a process starts. The Payload config calls checkSettings(), and
 * every entry point loads that config first (the app, `pnpm worker`, `pnpm projections`, the
 * `payload` CLI): a value that cannot be read stops the process there, naming the variable and
 * what it takes, instead of failing the first request or job that reads it.
 *
 * Each area keeps its own reader (parsed with src/lib/env.ts) and calls it where it needs the
 * values; this runs them all, so a setting added to an area's reader is checked here too.
 */
import { attentionThresholds } from './attention/settings'
import { emailSettings } from './email'
import { booleanSetting, originSetting } from './lib/env'
import { opsSettings } from './ops/settings'
import { portalSettings } from './portal/settings'
import { presenceSettings } from './presence/presence'
import { PROJECTIONS } from './projections'
import { realtimeSettings } from './realtime/settings'
import { pageSize as rebuildPageSize } from './rebuild/diff'
import { supervisorSettings } from './ops/jobSupervisor'
import { selectProjections, stopWhenIdleMs, workerSettings } from './worker/settings'

/** PAYLOAD_SECRET: required; it signs sessions and tokens. */
export function payloadSecret(): string {
  const secret = process.env.PAYLOAD_SECRET
  if (!secret?.trim())
    throw new Error('PAYLOAD_SECRET is not set: copy .env.example to .env and set it (bin/start does this for you).')
  return secret
}

const READERS: Array<() => unknown> = [
  payloadSecret,
  () => booleanSetting('ENABLE_EVENT_PROCESSING', false),
  () => selectProjections(),
  () => workerSettings(PROJECTIONS.dashboard),
  stopWhenIdleMs,
  supervisorSettings,
  rebuildPageSize,
  realtimeSettings,
  presenceSettings,
  attentionThresholds,
  opsSettings,
  portalSettings,
  emailSettings,
  () => originSetting('SERVER_URL'),
]

/** Reads every setting; throws one error naming each that cannot be read. */
export function checkSettings(): void {
  const problems = READERS.flatMap((read) => {
    try {
      read()
      return []
    } catch (error) {
      return [error instanceof Error ? error.message : String(error)]
    }
  })
  if (!problems.length) return
  throw new Error(
    `${problems.join('\n')}\nFix ${problems.length === 1 ? 'it' : 'them'} in .env or the environment: ` +
      '.env.example says what each setting takes.',
  )
}
