/** A small Server-Sent Events client for tests: real HTTP (fetch), frames parsed as a browser would. */

export type SseEvent = { id?: string; event: string; data: string }

export type SseClient = {
  response: Response
  /** Events received so far, in order (comments excluded). */
  events: SseEvent[]
  /** Comment lines received so far (`: ping` → `ping`). */
  comments: string[]
  /** Whether the stream has ended (the server closed it, or `close()`). */
  readonly ended: boolean
  /** Resolves with the first event (from `from` on) that matches, or rejects after `timeoutMs`. */
  next: (match?: (event: SseEvent) => boolean, options?: { from?: number; timeoutMs?: number }) => Promise<SseEvent>
  /** Resolves once `ok()` holds for the received events and comments. */
  until: (ok: () => boolean, timeoutMs?: number) => Promise<void>
  /** Disconnects (aborts the request). */
  close: () => void
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal })
  const events: SseEvent[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  const notify = () => waiters.forEach((waiter) => waiter())
  let ended = !response.ok || !response.body

  const until = (ok: () => boolean, timeoutMs = 5_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ok()) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(
          new Error(
            `timed out after ${timeoutMs} ms; got ${events.length} events: ${events.map((e) => e.event).join(', ')}`,
          ),
        )
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      waiters.add(check)
      check()
    })

  const next: SseClient['next'] = async (match = () => true, { from = 0, timeoutMs = 5_000 } = {}) => {
    const find = () => events.slice(from).find(match)
    await until(() => find() !== undefined, timeoutMs)
    return find()!
  }

  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder()
      let text = ''
      let current: Partial<SseEvent> & { data?: string } = {}
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          text += decoder.decode(chunk, { stream: true })
          let newline: number
          while ((newline = text.indexOf('\n')) >= 0) {
            const line = text.slice(0, newline)
            text = text.slice(newline + 1)
            if (line === '') {
              if (current.data !== undefined)
                events.push({ id: current.id, event: current.event ?? 'message', data: current.data })
              current = {}
            } else if (line.startsWith(':')) {
              comments.push(line.slice(1).trim())
            } else {
              const colon = line.indexOf(':')
              const field = colon < 0 ? line : line.slice(0, colon)
              const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
              if (field === 'data') current.data = current.data === undefined ? value : `${current.data}\n${value}`
              else if (field === 'id') current.id = value
              else if (field === 'event') current.event = value
            }
          }
          notify()
        }
      } catch {
        // aborted
      }
      ended = true
      notify()
    })()
  }

  return {
    response,
    events,
    comments,
    get ended() {
      return ended
    },
    next,
    until,
    close: () => abort.abort(),
  }
}
