/*
 * The customer portal API over real HTTP (Payload's own request handler on a free port, and a
 * second app process beside it), on records both projections drained from a generated stream.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import Ajv2020 from 'ajv/dist/2020'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateCorpus } from '@/events/generate'
import config from '@/payload.config'
import { applicationAnswerOf, conversationAnswerOf } from '@/projections/portal/answers'
import { ApplicationSchema, ConversationSchema } from '@/portal/schemas'
import { mintCustomerToken } from '@/portal/token'
import { STORES } from '@/store'

import { startApiProcess } from '../helpers/apiProcess'
import { startWorker } from '../helpers/inProcessWorker'
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { type ApiServer, login, serveApi } from '../helpers/serveApi'
import { appendAll, type Appended, portalOracleOf } from '../helpers/stream'

const opened = openPayloadAndRedis()
const stream = `test:portal-api:${crypto.randomUUID()}`
let server: ApiServer
let appended: Appended[]
/** A customer with two applications, and one with one. */
let repeat: string
let single: string
let staff: string
const answers: Array<{ path: string; status: number; body: unknown }> = []

const get = async (path: string, authorization?: string, base = server.url) => {
  const res = await fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} })
  const body = (await res.json()) as Record<string, unknown>
  answers.push({ path: path.replace(/\?.*$/, ''), status: res.status, body })
  return { status: res.status, headers: res.headers, body }
}
const bearer = async (customerId: string) => `Bearer ${await mintCustomerToken(customerId)}`

/**
 * A client of its own: one kept-alive socket from a loopback address no other test uses
 * (127.x.y.z), so the address the server sees on the socket is this client's alone.
 */
function socketClient() {
  const byte = () => crypto.randomInt(1, 255)
  const address = `127.${byte()}.${byte()}.${byte()}`
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: address })
  const request = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      http
        .get(`${server.url}${path}`, { agent, headers }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () => {
            const body = JSON.parse(text) as Record<string, unknown>
            answers.push({ path, status: res.statusCode!, body })
            resolve({ status: res.statusCode!, body })
          })
        })
        .on('error', reject)
    })
  return { address, get: request, close: () => agent.destroy() }
}
const testNetAddress = () => `198.51.100.${crypto.randomInt(1, 255)}`

/** Runs `run` with these environment variables set (settings are read per request), then restores them. */
async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]))
  Object.assign(process.env, vars)
  try {
    return await run()
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

beforeAll(async () => {
  process.env.CHAT_LEDGER_STREAM = stream
  appended = await appendAll(opened.redis, stream, generateCorpus({ conversations: 60, seed: 71, retries: 5 }))
  const portal = startWorker(opened.payload, stream, { connectionName: 'portal', store: STORES.portal })
  await portal.done
  const applications = [...portalOracleOf(appended).portalApplications.values()]
  const counts = new Map<string, number>()
  for (const { customerId } of applications) counts.set(customerId!, (counts.get(customerId!) ?? 0) + 1)
  repeat = [...counts].find(([, n]) => n >= 2)![0]
  single = [...counts].find(([, n]) => n === 1)![0]
  server = await serveApi(config)
  await opened.payload.create({
    collection: 'users',
    data: {
      email: 'support@example.com',
      password: 'support-pass-1',
      firstName: 'Sam',
      lastName: 'Support',
      role: 'supervisor',
    },
  })
  staff = await login(server.url, 'support@example.com', 'support-pass-1')
})

afterAll(async () => {
  delete process.env.CHAT_LEDGER_STREAM
  await server?.close()
})

describe('the customer portal API, for a customer with their token', () => {
  it('lists their applications, newest activity first, paging by cursor', async () => {
    const oracle = [...portalOracleOf(appended).portalApplications.values()].filter((a) => a.customerId === repeat)
    const token = await bearer(repeat)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `?limit=1&cursor=${cursor}` : '?limit=1'
      const { status, body, headers } = await get(`/api/customer/${repeat}/applications${query}`, token)
      expect(status).toBe(200)
      expect(headers.get('ratelimit-remaining')).toMatch(/^\d+$/)
      const page = body.applications as Array<{ applicationNumber: string; lastUpdateAt: string }>
      expect(page).toHaveLength(1)
      seen.push(page[0]!.applicationNumber)
      cursor = body.nextCursor as string | null
    } while (cursor)
    const newestFirst = [...oracle].sort((a, b) => (b.lastUpdateAt ?? '').localeCompare(a.lastUpdateAt ?? ''))
    expect(seen).toEqual(newestFirst.map((application) => application.applicationNumber))
  })

  it('answers one application with exactly the fields a customer may see, and the position it reflects', async () => {
    const [expected] = [...portalOracleOf(appended).portalApplications.values()].filter((a) => a.customerId === single)
    const { status, body } = await get(
      `/api/customer/${single}/application/${expected!.applicationNumber}`,
      await bearer(single),
    )
    expect(status).toBe(200)
    const application = body.application as Record<string, unknown>
    expect(Object.keys(application).sort()).toEqual(Object.keys(ApplicationSchema.shape).sort())
    expect(application).toMatchObject({
      applicationNumber: expected!.applicationNumber,
      status: expected!.status,
      loanAmount: expected!.loanAmount,
      customerName: expected!.customerName,
      outstanding: expected!.outstanding,
    })
    expect(body.position).toBe(appended.at(-1)!.id)
    expect(body.behind).toBe(false)
  })

  it('lists their conversations, with no line of the assistant’s reasoning', async () => {
    const { status, body } = await get(`/api/customer/${repeat}/conversations`, await bearer(repeat))
    expect(status).toBe(200)
    const conversations = body.conversations as Array<Record<string, unknown>>
    expect(conversations.length).toBeGreaterThanOrEqual(2)
    for (const conversation of conversations) {
      expect(Object.keys(conversation).sort()).toEqual(Object.keys(ConversationSchema.shape).sort())
    }
  })

  it('answers, record for record, what the projection stored for the caller’s records, and only theirs', async () => {
    // Given the oracle's records of a customer with two applications
    const oracle = portalOracleOf(appended)
    const applications = [...oracle.portalApplications.values()].filter((a) => a.customerId === repeat)
    const conversations = [...oracle.portalConversations.values()].filter((c) => c.customerId === repeat)
    const token = await bearer(repeat)

    // When the customer lists both
    const listed = await get(`/api/customer/${repeat}/applications?limit=100`, token)
    const chats = await get(`/api/customer/${repeat}/conversations?limit=100`, token)

    // Then each answer is the one the projection made of that record, and there is one per record of theirs
    const byNumber = new Map(applications.map((a) => [a.applicationNumber, JSON.parse(applicationAnswerOf(a)!)]))
    const answered = listed.body.applications as Array<{ applicationNumber: string; customerId: string }>
    expect(answered.map((a) => a.applicationNumber).sort()).toEqual([...byNumber.keys()].sort())
    for (const application of answered) {
      expect(application.customerId).toBe(repeat)
      expect(application).toEqual(byNumber.get(application.applicationNumber))
    }
    const byId = new Map(conversations.map((c) => [c.conversationId, JSON.parse(conversationAnswerOf(c))]))
    const talked = chats.body.conversations as Array<{ conversationId: string }>
    expect(talked.map((c) => c.conversationId).sort()).toEqual([...byId.keys()].sort())
    for (const conversation of talked) expect(conversation).toEqual(byId.get(conversation.conversationId))
  })

  it('answers records written before the projection kept answers (version 1) alike, from their state', async () => {
    // Given a customer's answers as they are, then their records' stored answers gone (as version 1 left them)
    const token = await bearer(repeat)
    const [application] = [...portalOracleOf(appended).portalApplications.values()].filter(
      (a) => a.customerId === repeat,
    )
    const paths = [
      `/api/customer/${repeat}/applications`,
      `/api/customer/${repeat}/conversations`,
      `/api/customer/${repeat}/application/${application!.applicationNumber}`,
    ]
    const before = await Promise.all(paths.map((path) => get(path, token)))
    for (const collection of ['portal-applications', 'portal-conversations'] as const) {
      await opened.payload.db.updateMany({
        collection,
        where: { customerId: { equals: repeat } },
        data: { answer: null },
      })
    }

    // When the customer asks again
    const after = await Promise.all(paths.map((path) => get(path, token)))

    // Then the answers are the same
    for (const [index, answer] of after.entries()) {
      expect(answer.status, paths[index]).toBe(200)
      expect(answer.body, paths[index]).toEqual(before[index]!.body)
    }
  })

  it('says what each step took in Server-Timing when PORTAL_SERVER_TIMING is on, and nothing otherwise', async () => {
    const token = await bearer(single)
    const path = `/api/customer/${single}/applications`
    const timed = await withEnv({ PORTAL_SERVER_TIMING: 'true' }, () => get(path, token))
    const steps = (timed.headers.get('server-timing') ?? '').split(',').map((metric) => metric.trim().split(';')[0])
    expect(steps).toEqual(expect.arrayContaining(['token', 'limits', 'position', 'redis', 'read']))
    expect((await get(path, token)).headers.get('server-timing')).toBeNull()
  })

  it('refuses what it cannot read, with a 400 or 404 that says why', async () => {
    const token = await bearer(single)
    const cases = [
      [`/api/customer/${single}/applications?limit=0`, 400, /limit/],
      [`/api/customer/${single}/applications?cursor=not-a-cursor`, 400, /cursor/],
      [`/api/customer/${single}/conversations?after=yesterday`, 400, /after/],
      [`/api/customer/${single}/application/APP-none`, 404, /No application APP-none/],
    ] as const
    for (const [path, status, message] of cases) {
      const answer = await get(path, token)
      expect(answer.status, path).toBe(status)
      expect(String(answer.body.message), path).toMatch(message)
    }
  })
})

describe('who may call it', () => {
  const path = () => `/api/customer/${single}/applications`
  const now = () => Math.floor(Date.now() / 1000)
  /** An HS256 token with the configured secret (unless another is given), issued now unless `iat` says otherwise. */
  const sign = (claims: Record<string, unknown>, header: { secret?: string; typ?: string } = {}) =>
    new SignJWT({ iat: now(), ...claims })
      .setProtectedHeader({ alg: 'HS256', ...(header.typ ? { typ: header.typ } : {}) })
      .sign(new TextEncoder().encode(header.secret ?? process.env.PORTAL_JWT_SECRET!))

  it('refuses no token, an expired one, a bad signature, `alg: none`, and one without exp: 401', async () => {
    const now = Math.floor(Date.now() / 1000)
    const unsigned = [
      { alg: 'none', typ: 'JWT' },
      { sub: single, exp: now + 600 },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.')
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /Authorization: Bearer/],
      [`Bearer ${await sign({ sub: single, exp: now - 60 })}`, /expired/],
      [`Bearer ${await sign({ sub: single, exp: now + 600 }, { secret: 'another secret' })}`, /signature/],
      [`Bearer ${unsigned}.`, /algorithm|signed JWT/],
      [`Bearer ${await sign({ sub: single })}`, /exp claim/],
    ]
    for (const [authorization, message] of cases) {
      const { status, body } = await get(path(), authorization)
      expect(status, String(authorization)).toBe(401)
      expect(String(body.message)).toMatch(message)
    }
  })

  it('refuses a token signed with the right key for another issuer or audience: 401', async () => {
    // Given the portal's issuer and audience configured
    const settings = { PORTAL_JWT_ISSUER: 'https://portal.billie.example', PORTAL_JWT_AUDIENCE: 'billie-portal-api' }
    await withEnv(settings, async () => {
      // When tokens signed with the portal's secret name another issuer or audience, or none
      const exp = now() + 600
      const iss = settings.PORTAL_JWT_ISSUER
      const aud = settings.PORTAL_JWT_AUDIENCE
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ iss: 'https://another-app.example', aud, exp }, /iss claim/],
        [{ iss, aud: 'another-api', exp }, /aud claim/],
        [{ aud, exp }, /iss claim/],
        [{ iss, exp }, /aud claim/],
      ]
      // Then each is refused, naming the claim
      for (const [claims, message] of cases) {
        const { status, body } = await get(path(), `Bearer ${await sign({ sub: single, ...claims })}`)
        expect(status, JSON.stringify(claims)).toBe(401)
        expect(String(body.message)).toMatch(message)
      }
      // and the token `pnpm portal-token` signs, with both, is accepted
      expect((await get(path(), await bearer(single))).status).toBe(200)
    })
  })

  it('refuses a token issued longer ago than PORTAL_JWT_MAX_AGE_SECONDS, or without iat: 401', async () => {
    // Given the default maximum age, an hour
    const exp = now() + 600
    // When a token still unexpired was issued two hours ago, or does not say when it was issued
    const old = await get(path(), `Bearer ${await sign({ sub: single, exp, iat: now() - 7_200 })}`)
    const undated = await get(path(), `Bearer ${await sign({ sub: single, exp, iat: undefined })}`)
    // Then both are refused, saying why
    expect([old.status, undated.status]).toEqual([401, 401])
    expect(String(old.body.message)).toMatch(/issued more than 3600 s ago/)
    expect(String(undated.body.message)).toMatch(/iat claim/)
    // and one issued a minute ago is accepted
    expect((await get(path(), `Bearer ${await sign({ sub: single, exp, iat: now() - 60 })}`)).status).toBe(200)
    // and the token script will not sign a token that would outlive the maximum age
    await expect(mintCustomerToken(single, { ttlSeconds: 7_200 })).rejects.toThrow(/PORTAL_JWT_MAX_AGE_SECONDS/)
  })

  it('checks `typ` when the token has one: JWT and at+jwt are accepted, any other type is 401', async () => {
    const exp = now() + 600
    for (const typ of ['JWT', 'at+jwt', 'application/at+JWT']) {
      expect((await get(path(), `Bearer ${await sign({ sub: single, exp }, { typ })}`)).status, typ).toBe(200)
    }
    for (const typ of ['logout+jwt', 'secevent+jwt', 'JOSE']) {
      const { status, body } = await get(path(), `Bearer ${await sign({ sub: single, exp }, { typ })}`)
      expect(status, typ).toBe(401)
      expect(String(body.message)).toMatch(/typ/)
    }
  })

  it('in production, refuses customer tokens until issuer and audience are set, saying which: 503', async () => {
    // Given a production server with the portal's secret but no issuer or audience
    const production = { NODE_ENV: 'production', PORTAL_JWT_ISSUER: '', PORTAL_JWT_AUDIENCE: '' }
    await withEnv(production, async () => {
      // When a token signed with that secret, for another application, is sent
      const foreign = await sign({ sub: single, exp: now() + 600, iss: 'another-app', aud: 'another-api' })
      const refused = await get(path(), `Bearer ${foreign}`)
      // Then it is not answered, and the message says what to set
      expect(refused.status).toBe(503)
      expect(String(refused.body.message)).toMatch(/PORTAL_JWT_ISSUER and PORTAL_JWT_AUDIENCE/)
      // When only the issuer is set, the message names the audience
      process.env.PORTAL_JWT_ISSUER = 'https://portal.billie.example'
      const half = await get(path(), await bearer(single))
      expect(half.status).toBe(503)
      expect(String(half.body.message)).toMatch(/PORTAL_JWT_AUDIENCE/)
      expect(String(half.body.message)).not.toMatch(/PORTAL_JWT_ISSUER/)
      // When both are set, the token `pnpm portal-token` signs is accepted, and the foreign one is not
      process.env.PORTAL_JWT_AUDIENCE = 'billie-portal-api'
      expect((await get(path(), await bearer(single))).status).toBe(200)
      expect((await get(path(), `Bearer ${foreign}`)).status).toBe(401)
    })
  })

  it('refuses another customer’s records with 403, the same whether or not that customer exists', async () => {
    const token = await bearer(single)
    const other = await get(`/api/customer/${repeat}/applications`, token)
    const nobody = await get('/api/customer/CUS-nobody/applications', token)
    expect([other.status, nobody.status]).toEqual([403, 403])
    expect(other.body).toEqual(nobody.body)
  })

  it('lets logged-in staff read any customer’s (support)', async () => {
    expect((await get(`/api/customer/${repeat}/applications`, staff)).status).toBe(200)
    expect((await get(`/api/customer/${single}/conversations`, staff)).status).toBe(200)
  })

  it('verifies RS256 and ES256 tokens against a PEM public key, with the default algorithms', async () => {
    // Given the portal's public key (EC, then RSA) as PEM, and no algorithms configured
    for (const alg of ['ES256', 'RS256'] as const) {
      const { publicKey, privateKey } = await generateKeyPair(alg)
      process.env.PORTAL_JWT_PUBLIC_KEY = await exportSPKI(publicKey)
      try {
        // When the portal signs a token with its private key
        const token = await new SignJWT({})
          .setProtectedHeader({ alg })
          .setSubject(single)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey)
        // Then it is accepted, and a token signed with the shared secret is not
        expect((await get(path(), `Bearer ${token}`)).status, alg).toBe(200)
        expect((await get(path(), await bearer(single))).status, alg).toBe(401)
      } finally {
        delete process.env.PORTAL_JWT_PUBLIC_KEY
      }
    }
  })

  it('verifies ES256 tokens against the portal’s published keys (JWKS), and then refuses HS256', async () => {
    // Given the portal's public key published as a JWKS on a local HTTP server
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'portal-1', alg: 'ES256' }] })
    const keys = http.createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks))
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve))
    process.env.PORTAL_JWKS_URL = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/jwks.json`
    process.env.PORTAL_JWT_ALGORITHMS = 'ES256'
    try {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'portal-1' })
        .setSubject(single)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey)
      expect((await get(path(), `Bearer ${token}`)).status).toBe(200)
      const hs256 = await get(path(), await bearer(single))
      expect(hs256.status).toBe(401)
      expect(String(hs256.body.message)).toMatch(/algorithm/)
    } finally {
      delete process.env.PORTAL_JWKS_URL
      delete process.env.PORTAL_JWT_ALGORITHMS
      keys.close()
    }
  })
})

describe('rate limits', () => {
  it('are shared by two app processes through Redis: the sixth request of five allowed is a 429', async () => {
    // Given a second app process, both allowing each customer 5 requests a minute
    process.env.PORTAL_RATE_LIMIT_PER_CUSTOMER = '5'
    const second = await startApiProcess({ PORTAL_RATE_LIMIT_PER_CUSTOMER: '5' })
    try {
      const customer = `CUS-limited-${crypto.randomUUID().slice(0, 8)}`
      const token = await bearer(customer)
      // When the customer's requests alternate between the two processes
      const statuses: number[] = []
      let last: Awaited<ReturnType<typeof get>> | undefined
      for (let i = 0; i < 6; i++) {
        last = await get(`/api/customer/${customer}/applications`, token, i % 2 ? second.url : server.url)
        statuses.push(last.status)
      }
      // Then the sixth is refused, saying when to come back
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(last!.headers.get('ratelimit-remaining')).toBe('0')
      expect(String(last!.body.message)).toMatch(/Too many requests/)
    } finally {
      delete process.env.PORTAL_RATE_LIMIT_PER_CUSTOMER
      await second.stop()
    }
  })
  it('count failed sign-ins against the client address: guessing tokens meets a 429 too', async () => {
    // Given a client allowed 3 requests a minute
    process.env.PORTAL_RATE_LIMIT_PER_CLIENT = '3'
    const client = socketClient()
    try {
      // When it sends forged tokens, one after another
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await client.get('/api/customer/CUS-any/applications', { authorization: 'Bearer not.a.token' })).status,
        )
      }
      // Then each is refused as unauthenticated until the client's allowance is spent
      expect(statuses).toEqual([401, 401, 401, 429])
    } finally {
      delete process.env.PORTAL_RATE_LIMIT_PER_CLIENT
      client.close()
    }
  })

  it('key the client on its socket: rotating X-Forwarded-For from one socket meets a 429', async () => {
    // Given a client allowed 5 requests a minute, and no proxy trusted (the default)
    process.env.PORTAL_RATE_LIMIT_PER_CLIENT = '5'
    const client = socketClient()
    try {
      // When one socket sends anonymous requests, each claiming another address
      const statuses: number[] = []
      for (let i = 0; i < 8; i++) {
        const forwarded = { 'x-forwarded-for': testNetAddress(), 'x-real-ip': testNetAddress() }
        statuses.push((await client.get('/api/customer/CUS-any/applications', forwarded)).status)
      }
      // Then the headers change nothing: the socket's allowance is spent after five
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
    } finally {
      delete process.env.PORTAL_RATE_LIMIT_PER_CLIENT
      client.close()
    }
  })

  it('behind one trusted proxy, key the client on the address it saw: X-Forwarded-For’s last entry', async () => {
    // Given one proxy in front (which appends the address it was connected from), 2 requests a minute
    process.env.PORTAL_TRUSTED_PROXY_HOPS = '1'
    process.env.PORTAL_RATE_LIMIT_PER_CLIENT = '2'
    const proxy = socketClient()
    const [client, another] = [testNetAddress(), `203.0.113.${crypto.randomInt(1, 255)}`]
    try {
      // When a client's requests arrive through it, each with another address written in front
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) {
        const forwarded = { 'x-forwarded-for': `${testNetAddress()}, ${client}` }
        statuses.push((await proxy.get('/api/customer/CUS-any/applications', forwarded)).status)
      }
      // Then they count as the client's, whatever it wrote
      expect(statuses).toEqual([401, 401, 429])
      // and another client behind the same proxy still has its own allowance
      expect((await proxy.get('/api/customer/CUS-any/applications', { 'x-forwarded-for': another })).status).toBe(401)
    } finally {
      delete process.env.PORTAL_TRUSTED_PROXY_HOPS
      delete process.env.PORTAL_RATE_LIMIT_PER_CLIENT
      proxy.close()
    }
  })
})

describe('reading your own writes', () => {
  it('waits for the entry `after` names and answers with it, or says it is `behind`', async () => {
    // Given the portal's worker running, and a new snapshot of one application XADDed by the portal
    const { redis, payload } = opened
    const worker = startWorker(payload, stream, {
      connectionName: 'portal-live',
      store: STORES.portal,
      stopWhenIdleMs: 60_000,
    })
    try {
      const [application] = [...portalOracleOf(appended).portalApplications.values()].filter(
        (a) => a.customerId === single,
      )
      const id = (await redis.xadd(
        stream,
        '*',
        'agt',
        'broker',
        'typ',
        'applicationDetail_changed',
        'aid',
        application!.applicationNumber,
        'uid',
        single,
        'seq',
        '9000',
        'tsp',
        new Date().toISOString(),
        'dat',
        JSON.stringify({ loanAmount: 4321 }),
      ))!

      // When the customer asks after it
      const { status, body } = await get(
        `/api/customer/${single}/application/${application!.applicationNumber}?after=${id}`,
        await bearer(single),
      )

      // Then the answer has it, and says so
      expect(status).toBe(200)
      expect(body).toMatchObject({ application: { loanAmount: 4321, position: id }, behind: false })
      expect(body.position).toBe(id)

      // When an entry that will not arrive in time is named (the worker is stopped)
      await worker.worker.stop()
      const later = (await redis.xadd(
        stream,
        '*',
        'agt',
        'broker',
        'typ',
        'final_decision',
        'cid',
        'conv-nope',
        'seq',
        '1',
        'tsp',
        new Date().toISOString(),
        'dat',
        '{"decision":"APPROVED"}',
      ))!
      process.env.PORTAL_AFTER_TIMEOUT_MS = '300'
      const stale = await get(`/api/customer/${single}/applications?after=${later}`, await bearer(single))
      delete process.env.PORTAL_AFTER_TIMEOUT_MS
      // Then it answers with what it has, and says it is behind
      expect(stale.status).toBe(200)
      expect(stale.body).toMatchObject({ behind: true, position: id })
    } finally {
      await worker.worker.stop()
    }
  })
})

describe('the OpenAPI document', () => {
  it('is served, and every answer above validates against it: nothing more, nothing less', async () => {
    const { status, body: document } = await get('/api/customer/openapi.json')
    expect(status).toBe(200)
    expect(document).toMatchObject({ openapi: '3.1.0' })
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    ajv.addFormat('date-time', true)
    const paths = (
      document as {
        paths: Record<
          string,
          { get: { responses: Record<string, { content?: { 'application/json': { schema: object } } }> } }
        >
      }
    ).paths
    const operationOf = (path: string) => {
      const template = Object.keys(paths).find((candidate) =>
        new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
      )
      return template ? paths[template]!.get : undefined
    }
    const checked = answers.filter(({ path }) => path.startsWith('/api/customer/') && !path.endsWith('openapi.json'))
    expect(checked.length).toBeGreaterThan(20)
    for (const { path, status: answered, body } of checked) {
      const schema = operationOf(path)?.responses[String(answered)]?.content?.['application/json'].schema
      expect(schema, `${path} ${answered} is documented`).toBeDefined()
      const valid = ajv.validate({ ...schema, unevaluatedProperties: undefined }, body)
      expect(valid, `${path} ${answered}: ${ajv.errorsText()}`).toBe(true)
    }
  })

  it('puts nothing internal in any answer: no reasoning, assessment, note, flag or bookkeeping', () => {
    const text = JSON.stringify(answers.filter(({ path }) => !path.endsWith('openapi.json')).map(({ body }) => body))
    const internal = [
      'rationale',
      'assessments',
      'noticeboard',
      'riskScore',
      'fraudScore',
      'serviceable',
      'staffFlag',
      'projection',
      'version',
      'identityDocuments',
      'ekycStatus',
      '"outcome"',
      'documentNumber',
      'reviews',
    ]
    for (const word of internal) expect(text, word).not.toContain(word)
    for (const { fields } of appended) {
      const dat = fields.dat ? (JSON.parse(fields.dat) as Record<string, unknown>) : {}
      if (fields.typ === 'noticeboard_updated') expect(text).not.toContain(String(dat.content))
      const rationale = dat.rationale ?? dat.r
      if (fields.typ === 'assistant_response' && rationale) expect(text).not.toContain(String(rationale))
    }
  })
})
