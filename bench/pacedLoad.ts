/**
 * An open-loop HTTP load generator at a constant rate, the way wrk2 measures: request k is due at
 * start + k / rate, whether or not earlier answers have come back, and its latency is counted from
 * when it was due, so a server that falls behind is charged for the wait (no coordinated omission).
 *
 * autocannon's `overallRate` does not pace: each connection sends its share of a second back to
 * back and then waits for the next second, so every second begins with a burst of `rate` requests
 * queued behind one another. At 200/s over 32 connections that burst alone puts ~50 ms on the
 * median of any server with a couple of milliseconds of work per request.
 */
import http from 'node:http'

export type Load = {
  latencies: number[]
  non2xx: number
  errors: number
  sent: number
  seconds: number
  /** Each Server-Timing metric the answers carried (ms, one per answer that had it), and by description. */
  timings: Map<string, { durations: number[]; described: Map<string, number[]> }>
}

export type RequestSpec = { path: string; headers?: Record<string, string> }

/** Adds an answer's `Server-Timing` (`name;desc="…";dur=1.5, …`) to `timings`. */
function addTimings(timings: Load['timings'], header: string | undefined): void {
  if (!header) return
  for (const metric of header.split(',')) {
    const [name, ...params] = metric.trim().split(';')
    const values = Object.fromEntries(params.map((param) => param.split('=') as [string, string]))
    const entry = timings.get(name!) ?? { durations: [], described: new Map<string, number[]>() }
    timings.set(name!, entry)
    const duration = Number(values.dur)
    entry.durations.push(duration)
    if (values.desc === undefined) continue
    const description = values.desc.replace(/^"|"$/g, '')
    entry.described.set(description, [...(entry.described.get(description) ?? []), duration])
  }
}

const TICK_MS = 1
const TIMEOUT_MS = 10_000

/**
 * `rate` requests a second for `seconds`, each to the next of `ports` in turn (as a load balancer
 * spreads them), over at most `connections` kept-alive connections per port.
 */
export async function pacedLoad(options: {
  ports: number[]
  rate: number
  seconds: number
  connections: number
  request: () => RequestSpec
}): Promise<Load> {
  const { ports, rate, seconds, connections, request } = options
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const total = Math.round(rate * seconds)
  const latencies: number[] = []
  let non2xx = 0
  let errors = 0
  let sent = 0
  let lastAnswer = 0
  const timings: Load['timings'] = new Map()
  const outstanding = new Set<Promise<void>>()

  const fire = (due: number) => {
    const spec = request()
    const port = ports[sent % ports.length]!
    const done = new Promise<void>((resolve) => {
      const req = http.request(
        { agent, host: '127.0.0.1', port, path: spec.path, headers: spec.headers, timeout: TIMEOUT_MS },
        (res) => {
          res.resume()
          res.once('end', () => {
            lastAnswer = performance.now()
            latencies.push(lastAnswer - due)
            if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx++
            addTimings(timings, res.headers['server-timing'] as string | undefined)
            resolve()
          })
        },
      )
      req.once('timeout', () => req.destroy(new Error('timeout')))
      req.once('error', () => {
        errors++
        resolve()
      })
      req.end()
    })
    outstanding.add(done)
    void done.then(() => outstanding.delete(done))
  }

  const start = performance.now()
  while (sent < total) {
    const dueNow = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1)
    while (sent < dueNow) fire(start + (sent++ * 1000) / rate)
    await new Promise((resolve) => setTimeout(resolve, TICK_MS))
  }
  await Promise.all(outstanding)
  agent.destroy()
  return { latencies, non2xx, errors, sent, seconds: (Math.max(lastAnswer, start) - start) / 1000, timings }
}
