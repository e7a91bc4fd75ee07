import { positiveIntSetting } from '@/lib/env'

/** What the change feed and the SSE endpoint can be told through the environment (README, "Real time"). */
export type RealtimeSettings = {
  /** The capped Redis stream every committed change is published to. */
  stream: string
  /** Approximate cap of that stream (`XADD … MAXLEN ~ n`): how far back a reconnect can resume. */
  maxLen: number
  /** Interval of the `: ping` comment that keeps idle SSE connections (and proxies) alive. */
  heartbeatMs: number
}

/** Read on every call, so tests (and operators restarting a process) can change them. */
export function realtimeSettings(): RealtimeSettings {
  return {
    stream: process.env.REALTIME_STREAM?.trim() || 'dashboard:changes',
    maxLen: positiveIntSetting('REALTIME_MAXLEN', 100_000),
    heartbeatMs: positiveIntSetting('REALTIME_HEARTBEAT_MS', 15_000),
  }
}
