import { getPayload, type Payload, type RequiredDataFromCollectionSlug } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import config from '@/payload.config'

let payload: Payload

beforeAll(async () => {
  payload = await getPayload({ config })
})

afterAll(async () => {
  await payload.destroy()
})

const seedCustomer = (customerId: string, names: Record<string, string>) =>
  payload.create({ collection: 'customers', data: { customerId, ...names } })

describe('customers', () => {
  it('saves every profile field and computes the full name from first, middle and last', async () => {
    // Given / When
    const created = await payload.create({
      collection: 'customers',
      data: {
        customerId: 'CUS-1',
        title: 'Ms',
        preferredName: 'Jo',
        firstName: 'Joanna',
        middleName: 'Kate',
        lastName: 'Nguyen',
        emailAddress: 'jo@example.com',
        mobilePhoneNumber: '+61400000000',
        dateOfBirth: '1990-04-02T00:00:00.000Z',
        residentialAddress: { street: '1 George St', city: 'Sydney', state: 'NSW', postcode: '2000' },
        mailingAddress: { street: 'PO Box 9', city: 'Sydney', state: 'NSW', postcode: '2001', country: 'Australia' },
        staffFlag: false,
        investorFlag: true,
        founderFlag: false,
        ekycEntityId: 'ekyc-77',
        ekycStatus: 'successful',
        individualStatus: 'LIVING',
        identityDocuments: [
          {
            documentType: 'DRIVERS_LICENCE',
            documentNumber: 'NSW123',
            stateOfIssue: 'NSW',
            additionalInfo: { cardNumber: 'C1' },
          },
          { documentType: 'MEDICARE', documentSubtype: 'green', documentNumber: '2123 45670 1' },
        ],
      },
    })

    // Then
    const read = await payload.findByID({ collection: 'customers', id: created.id })
    expect(read.fullName).toBe('Joanna Kate Nguyen')
    expect(read.residentialAddress).toMatchObject({ street: '1 George St', city: 'Sydney', country: 'Australia' })
    expect(read.mailingAddress?.postcode).toBe('2001')
    expect(read).toMatchObject({ investorFlag: true, ekycStatus: 'successful', individualStatus: 'LIVING' })
    expect(read.identityDocuments?.map((doc) => doc.documentType)).toEqual(['DRIVERS_LICENCE', 'MEDICARE'])
    expect(read.identityDocuments?.[0]?.additionalInfo).toEqual({ cardNumber: 'C1' })
  })

  it('falls back to the preferred name, and recomputes the full name when a part changes', async () => {
    const known = await seedCustomer('CUS-2', { preferredName: 'Bluey' })
    expect(known.fullName).toBe('Bluey')

    const renamed = await payload.update({ collection: 'customers', id: known.id, data: { lastName: 'Heeler' } })
    expect(renamed.fullName).toBe('Heeler')
  })

  it('refuses a second customer with the same customerId', async () => {
    await seedCustomer('CUS-dup', { firstName: 'A' })
    await expect(seedCustomer('CUS-dup', { firstName: 'B' })).rejects.toThrow()
  })
})

describe('applications, conversations and their transcript', () => {
  it('saves loan fields, process, assessments and noticeboard, and links everything through join fields', async () => {
    // Given a customer with one application and two conversations
    const customer = await seedCustomer('CUS-10', { firstName: 'Sam', lastName: 'Lee' })
    const application = await payload.create({
      collection: 'applications',
      data: {
        applicationNumber: 'APP-10',
        customer: customer.id,
        loanAmount: 5000,
        loanFee: 250,
        loanTotalPayable: 5250,
        loanTerm: 12,
        loanPurpose: 'Car repairs',
        customerAttestationAcceptance: true,
        productOfferAcceptance: false,
        applicationOutcome: 'pending',
        applicationProcess: {
          currentProcessStage: 'identity',
          currentProcessStep: 'licence',
          applicationProcessState: [
            { stageName: 'intro', complete: true, steps: [{ stepName: 'greet', complete: true, type: 'llm' }] },
            {
              stageName: 'identity',
              complete: false,
              steps: [{ stepName: 'licence', complete: false, type: 'user_input', description: 'Licence?' }],
            },
          ],
        },
        assessments: {
          identityRisk: { score: 12, flags: ['new_email'] },
          serviceability: { surplus: 800 },
          fraudCheck: { result: 'clear' },
        },
        noticeboard: [
          {
            agentName: 'risk',
            content: 'Looks fine now',
            timestamp: '2024-01-15T10:31:00.000Z',
            versions: [{ content: 'Checking', timestamp: '2024-01-15T10:30:00.000Z' }],
          },
        ],
      },
    })
    const [first, second] = await Promise.all(
      ['C-10a', 'C-10b'].map((conversationId, index) =>
        payload.create({
          collection: 'conversations',
          data: {
            conversationId,
            applicationNumber: 'APP-10',
            customer: customer.id,
            application: application.id,
            customerName: customer.fullName,
            status: 'active',
            startedAt: `2024-01-15T1${index}:00:00.000Z`,
            messageCount: 0,
            purpose: 'Loan for car repairs',
            facts: [{ fact: 'Employed full time' }],
          },
        }),
      ),
    )
    // When utterances arrive out of time order
    for (const [seq, minute] of [
      [2, '02'],
      [1, '01'],
      [3, '03'],
    ] as const) {
      await payload.create({
        collection: 'utterances',
        data: {
          conversation: first.id,
          key: `C-10a:user_input:${seq}`,
          eventId: `1700000000000-${seq}`,
          seq,
          username: seq % 2 ? 'customer' : 'assistant',
          utterance: `line ${seq}`,
          rationale: seq % 2 ? undefined : 'because',
          timestamp: `2024-01-15T10:${minute}:00.000Z`,
          additionalData: { seq },
        },
      })
    }

    // Then the records read back whole, and join fields list what belongs to them
    const readApp = await payload.findByID({ collection: 'applications', id: application.id, depth: 0 })
    expect(readApp).toMatchObject({
      loanAmount: 5000,
      loanFee: 250,
      loanTotalPayable: 5250,
      loanTerm: 12,
      loanPurpose: 'Car repairs',
    })
    expect(readApp.applicationProcess?.applicationProcessState?.[1]?.steps?.[0]?.description).toBe('Licence?')
    expect(readApp.assessments?.identityRisk).toEqual({ score: 12, flags: ['new_email'] })
    expect(readApp.noticeboard?.[0]?.versions?.[0]?.content).toBe('Checking')
    expect(readApp.conversations?.docs?.map((doc) => (typeof doc === 'object' ? doc.id : doc)).sort()).toEqual(
      [first.id, second.id].sort(),
    )

    const readCustomer = await payload.findByID({ collection: 'customers', id: customer.id, depth: 0 })
    expect(readCustomer.applications?.docs).toEqual([application.id])
    expect(readCustomer.conversations?.totalDocs ?? readCustomer.conversations?.docs?.length).toBe(2)

    const readConversation = await payload.findByID({ collection: 'conversations', id: first.id, depth: 1 })
    const transcript = (readConversation.utterances?.docs ?? []).map((line) =>
      typeof line === 'object' ? line.utterance : line,
    )
    expect(transcript).toEqual(['line 1', 'line 2', 'line 3'])
    expect(readConversation.facts?.[0]?.fact).toBe('Employed full time')
  })

  it('keeps one transcript line per stream entry and per producer key', async () => {
    const customer = await seedCustomer('CUS-11', { firstName: 'Ann' })
    const conversation = await payload.create({
      collection: 'conversations',
      data: { conversationId: 'C-11', customer: customer.id, status: 'active', messageCount: 0 },
    })
    const line = {
      conversation: conversation.id,
      key: 'C-11:user_input:1',
      eventId: '1700000000001-0',
      username: 'customer' as const,
      utterance: 'hi',
      timestamp: '2024-01-15T10:00:00.000Z',
    }
    await payload.create({ collection: 'utterances', data: line })
    await expect(
      payload.create({ collection: 'utterances', data: { ...line, eventId: '1700000000002-0' } }),
    ).rejects.toThrow()
    await expect(
      payload.create({ collection: 'utterances', data: { ...line, key: 'C-11:user_input:2' } }),
    ).rejects.toThrow()
  })
})

describe('users', () => {
  it('makes the first user admin and later users supervisors', async () => {
    const first = await payload.create({
      collection: 'users',
      data: {
        email: 'first@example.com',
        password: 'pw-first-123',
        firstName: 'First',
        lastName: 'User',
        role: 'supervisor',
      },
    })
    // No role given: the default applies
    const second = await payload.create({
      collection: 'users',
      data: {
        email: 'second@example.com',
        password: 'pw-second-123',
        firstName: 'Second',
        lastName: 'User',
      } as RequiredDataFromCollectionSlug<'users'>,
    })
    expect(first.role).toBe('admin')
    expect(second.role).toBe('supervisor')
  })

  it('saves an avatar upload with its alt text', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    )
    const media = await payload.create({
      collection: 'media',
      data: { alt: 'Avatar of Second' },
      file: { data: png, mimetype: 'image/png', name: 'avatar.png', size: png.length },
    })
    const user = await payload.find({ collection: 'users', where: { email: { equals: 'second@example.com' } } })
    const updated = await payload.update({
      collection: 'users',
      id: user.docs[0]!.id,
      data: { avatar: media.id },
      depth: 1,
    })
    expect(typeof updated.avatar === 'object' && updated.avatar?.alt).toBe('Avatar of Second')
  })
})
