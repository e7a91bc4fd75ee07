import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { handleEndpoints, type SanitizedConfig } from 'payload'

import { recordSocketAddresses } from '@/portal/clientAddress'

export type ApiServer = { url: string; close: () => Promise<void> }

/**
 * Serves Payload's REST API (its own request handler, the one Next's /api route calls)
 * over real HTTP on a free port, so tests send real requests with real cookies and headers.
 */
export async function serveApi(config: Promise<SanitizedConfig> | SanitizedConfig): Promise<ApiServer> {
  // As the app's src/instrumentation.ts does in the Next server's process.
  recordSocketAddresses()
  const server = http.createServer(async (req, res) => {
    try {
      const origin = `http://${req.headers.host}`
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const chunks: Buffer[] = []
      if (hasBody) for await (const chunk of req) chunks.push(chunk as Buffer)
      // As Next does: the client's address, when no proxy said it.
      req.headers['x-forwarded-for'] ??= req.socket.remoteAddress
      const request = new Request(new URL(req.url ?? '/', origin), {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: hasBody ? Buffer.concat(chunks) : undefined,
      })
      const response = await handleEndpoints({ config, request })
      res.writeHead(response.status, Object.fromEntries(response.headers))
      if (!response.body) return res.end()
      const body = Readable.fromWeb(response.body as WebReadableStream)
      req.on('close', () => body.destroy())
      body.pipe(res)
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Logs in through the REST API and returns the Authorization header value. */
export async function login(api: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${api}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!res.ok) throw new Error(`login ${email} failed: ${res.status} ${await res.text()}`)
  const { token } = (await res.json()) as { token: string }
  return `JWT ${token}`
}

/** Registers the first user over REST (Payload makes them the admin) and logs them in. */
export async function registerFirstUser(
  api: string,
  user: { email: string; password: string; firstName: string; lastName: string },
): Promise<string> {
  const res = await fetch(`${api}/api/users/first-register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  })
  if (res.status !== 200) throw new Error(`first-register ${user.email} failed: ${res.status} ${await res.text()}`)
  return login(api, user.email, user.password)
}
