/**
 * A customer's token is checked once and then remembered: never past the moment jose would refuse
 * it, and never across a change of the settings that decide whether it is accepted.
 */
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'

import { customerOfToken } from '@/portal/auth'
import type { PortalSettings } from '@/portal/settings'

const SECRET = 'a-secret-of-the-customer-portal-for-these-tests'
const T0 = 1_800_000_000

const settings = (changes: Partial<PortalSettings> = {}): PortalSettings => ({
  jwtSecret: SECRET,
  jwksUrl: undefined,
  publicKey: undefined,
  algorithms: ['HS256'],
  issuer: 'https://portal.billie.example',
  audience: 'billie-portal-api',
  maxTokenAgeSeconds: 3_600,
  unconfigured: undefined,
  perCustomer: 120,
  perClient: 600,
  windowSeconds: 60,
  trustedProxyHops: 0,
  afterTimeoutMs: 2_000,
  pageSize: 20,
  maxPageSize: 100,
  serverTiming: false,
  ...changes,
})

/** A token for `sub`, issued at T0 unless told otherwise, as the portal signs one. */
const tokenFor = (sub: string, { exp = T0 + 600, iat = T0, typ = 'JWT' } = {}) =>
  new SignJWT({ iat, exp })
    .setProtectedHeader({ alg: 'HS256', typ })
    .setSubject(sub)
    .setIssuer('https://portal.billie.example')
    .setAudience('billie-portal-api')
    .sign(new TextEncoder().encode(SECRET))

const at = (seconds: number) => seconds * 1000

describe('a remembered customer token', () => {
  it('is accepted again without a check until its exp, and refused once jose would refuse it', async () => {
    // Given a token living a minute, accepted when it was issued
    const token = await tokenFor('CUS-exp', { exp: T0 + 60 })
    expect(await customerOfToken(token, settings(), at(T0))).toEqual({ customerId: 'CUS-exp', remembered: false })
    // Then it is accepted half a minute later, without a check
    expect(await customerOfToken(token, settings(), at(T0 + 30))).toEqual({ customerId: 'CUS-exp', remembered: true })
    // and refused past its exp and jose's clock tolerance, remembered or not
    await expect(customerOfToken(token, settings(), at(T0 + 66))).rejects.toThrow(/expired/)
  })

  it('is refused PORTAL_JWT_MAX_AGE_SECONDS after its iat, whatever its exp says', async () => {
    // Given tokens accepted for at most 100 s, and one living an hour, accepted when issued
    const short = settings({ maxTokenAgeSeconds: 100 })
    const token = await tokenFor('CUS-age', { exp: T0 + 3_600 })
    expect(await customerOfToken(token, short, at(T0))).toMatchObject({ customerId: 'CUS-age' })
    expect(await customerOfToken(token, short, at(T0 + 50))).toMatchObject({ customerId: 'CUS-age' })
    // Then it is refused once it is too old
    await expect(customerOfToken(token, short, at(T0 + 106))).rejects.toThrow(/issued more than 100 s ago/)
  })

  it('is checked again when a setting that decides acceptance changes', async () => {
    // Given a token accepted for one audience
    const token = await tokenFor('CUS-settings')
    expect(await customerOfToken(token, settings(), at(T0))).toMatchObject({ customerId: 'CUS-settings' })
    // Then it is refused once another audience, another issuer or another key is configured
    await expect(customerOfToken(token, settings({ audience: 'another-api' }), at(T0))).rejects.toThrow(/aud claim/)
    await expect(customerOfToken(token, settings({ issuer: 'another-portal' }), at(T0))).rejects.toThrow(/iss claim/)
    await expect(customerOfToken(token, settings({ jwtSecret: 'another secret' }), at(T0))).rejects.toThrow(/signature/)
    // and accepted again with the settings that accept it, checked again
    expect(await customerOfToken(token, settings(), at(T0))).toEqual({ customerId: 'CUS-settings', remembered: false })
  })

  it('is never a refused one: a token of another type is refused every time', async () => {
    const token = await tokenFor('CUS-typ', { typ: 'logout+jwt' })
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(customerOfToken(token, settings(), at(T0))).rejects.toThrow(/typ header/)
    }
  })

  it('is refused with 503 while the API is not configured, remembered or not', async () => {
    const token = await tokenFor('CUS-unconfigured')
    expect(await customerOfToken(token, settings(), at(T0))).toMatchObject({ customerId: 'CUS-unconfigured' })
    await expect(
      customerOfToken(token, settings({ unconfigured: 'set PORTAL_JWT_ISSUER' }), at(T0)),
    ).rejects.toMatchObject({ status: 503 })
  })
})
