/**
 * The address a portal request comes from, for the per-client rate limit.
 *
 * Next's route handlers, and so Payload's endpoints, see a web Request and never the socket; Next
 * fills X-Forwarded-For with the socket's address only when the request has none, so that header
 * is whatever the client wrote. Instead, Node reports every request it parses on the
 * `http.server.request.start` diagnostics channel, with its socket, before any handler runs:
 * subscribed once in the server process (src/instrumentation.ts, which Next runs before serving),
 * it writes the socket's address into a header of the request, over any copy the client sent.
 * Checked with Next 16.4 (`next start` and `next dev` serve HTTP in the process that runs
 * instrumentation, and build the route's Request from the Node request's headers).
 */
import diagnostics from 'node:diagnostics_channel'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

import type { PayloadRequest } from 'payload'

const SOCKET_ADDRESS_HEADER = 'x-billie-socket-address'

function stamp(message: unknown): void {
  const { request, socket } = message as { request: IncomingMessage; socket: Socket }
  if (socket.remoteAddress) request.headers[SOCKET_ADDRESS_HEADER] = socket.remoteAddress
  else delete request.headers[SOCKET_ADDRESS_HEADER]
}

let recording = false

/** Writes each request's socket address into it as Node parses it, from now on, in this process. */
export function recordSocketAddresses(): void {
  if (recording) return
  diagnostics.subscribe('http.server.request.start', stamp)
  recording = true
}

let warned = false

/**
 * The client's address. With no proxy trusted, the socket's. With `hops` trusted proxies in front,
 * each appending to X-Forwarded-For the address it was connected from, the entry `hops` from the
 * right: the address the outermost proxy saw (the leftmost entry when there are fewer). Entries
 * further left are the client's own writing and never used.
 *
 * A request that reached this process without its socket address (parsed before the subscription,
 * while the server started, or served other than by Next) counts in one shared bucket, `unknown`:
 * never a header's word.
 */
export function clientAddressOf(req: PayloadRequest, hops: number): string {
  const socket = req.headers.get(SOCKET_ADDRESS_HEADER) ?? undefined
  const forwarded = (req.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const address = hops === 0 ? socket : (forwarded[Math.max(0, forwarded.length - hops)] ?? socket)
  if (address) return address
  if (!warned) {
    warned = true
    req.payload.logger.warn(
      'A portal request arrived without its socket address (while the server was starting, or served ' +
        'other than by Next, whose src/instrumentation.ts records it): such requests share one per-client ' +
        'rate limit.',
    )
  }
  return 'unknown'
}
