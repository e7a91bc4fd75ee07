/** Waiting in tests: for a condition, never for a guessed length of time (unless time is the subject). */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Resolves once `ready` answers true, checking every `everyMs`; fails after `timeoutMs` naming what
 * it waited for (and, when `detail` is given, what it saw last).
 */
export async function until(
  ready: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 10_000, everyMs = 20, detail }: { timeoutMs?: number; everyMs?: number; detail?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${detail ? `\n${detail()}` : ''}`)
    await sleep(everyMs)
  }
}
