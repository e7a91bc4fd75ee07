import { describe, expect, it } from 'vitest'

import { evolveCustomer } from '@/projections'

import { event, fold, UID } from './given'

const describing = (id: string, customer: object, documents?: object[]) =>
  event(id, 'applicationDetail_changed', { customer, ...(documents ? { customerIdentityDocuments: documents } : {}) })

const customerOf = (...events: Parameters<typeof fold>[1]) => fold(evolveCustomer, events)

const jess = {
  customer_id: UID,
  title: 'Ms',
  preferred_name: 'Jess',
  first_name: 'Jessica',
  middle_name: 'Anne',
  last_name: 'Nguyen',
  email_address: { value: 'jess.nguyen@example.com.au' },
  mobile_phone_number: { value: '0412 345 678' },
  date_of_birth: '1990-07-14',
  residential_address: {
    street: '12 George Street',
    city: 'Sydney',
    state: 'NSW',
    postcode: '2000',
    country: 'Australia',
  },
  mailing_address: { street: 'PO Box 77', city: 'Sydney', state: 'NSW', postcode: '2001' },
  staff_flag: false,
  investor_flag: 'false',
  founder_flag: false,
  ekyc_entity_id: '3f2c1d9e-8b7a-4c21-9d0e-7a6b5c4d3e2f',
  ekyc_status: 'successful',
  individual_status: 'LIVING',
}

describe('customers', () => {
  it('a snapshot describes the customer, camelCased, with a full name', () => {
    const customer = customerOf(
      describing('1-1', jess, [{ document_type: 'PASSPORT', document_number: 'PA1234567', expiry_date: '2031-05-01' }]),
    )
    expect(customer).toEqual({
      customerId: UID,
      title: 'Ms',
      preferredName: 'Jess',
      firstName: 'Jessica',
      middleName: 'Anne',
      lastName: 'Nguyen',
      fullName: 'Jessica Anne Nguyen',
      emailAddress: 'jess.nguyen@example.com.au',
      mobilePhoneNumber: '0412 345 678',
      dateOfBirth: '1990-07-14',
      residentialAddress: {
        street: '12 George Street',
        city: 'Sydney',
        state: 'NSW',
        postcode: '2000',
        country: 'Australia',
      },
      mailingAddress: { street: 'PO Box 77', city: 'Sydney', state: 'NSW', postcode: '2001', country: 'Australia' },
      staffFlag: false,
      investorFlag: false,
      founderFlag: false,
      ekycEntityId: '3f2c1d9e-8b7a-4c21-9d0e-7a6b5c4d3e2f',
      ekycStatus: 'successful',
      individualStatus: 'LIVING',
      identityDocuments: [
        {
          documentType: 'PASSPORT',
          documentSubtype: null,
          documentNumber: 'PA1234567',
          expiryDate: '2031-05-01',
          stateOfIssue: null,
          countryOfIssue: 'Australia',
          additionalInfo: null,
        },
      ],
      projection: expect.any(Object),
    })
  })

  it('an application event before the customer’s snapshot creates them, known only by id', () => {
    const known = customerOf(event('1-5', 'identityRisk_assessment', { riskScore: 12 }))
    expect(known).toMatchObject({
      customerId: UID,
      firstName: null,
      fullName: '',
      emailAddress: null,
      identityDocuments: [],
    })
    expect(fold(evolveCustomer, [describing('1-2', jess)], known)).toMatchObject({ fullName: 'Jessica Anne Nguyen' })
    expect(customerOf(event('1-6', 'user_input', { u: 'Hi' }))).toMatchObject({ customerId: UID, fullName: '' })
  })

  it('the full name falls back to the preferred name, then to empty', () => {
    expect(customerOf(describing('1-1', { preferred_name: 'Jess' }))?.fullName).toBe('Jess')
    expect(customerOf(describing('1-1', { title: 'Dr' }))?.fullName).toBe('')
  })

  it('an older snapshot arriving after a newer one does not overwrite it, field by field', () => {
    const newer = describing('1-9', { last_name: 'Smith', email_address: 'jess@new.example.com' })
    const older = describing('1-2', {
      first_name: 'Jessica',
      last_name: 'Nguyen',
      email_address: 'jess@old.example.com',
    })
    expect(customerOf(newer, older)).toMatchObject({
      firstName: 'Jessica',
      lastName: 'Smith',
      fullName: 'Jessica Smith',
      emailAddress: 'jess@new.example.com',
    })
    expect(customerOf(newer, older)).toEqual(customerOf(older, newer))
  })

  it('a partial snapshot keeps what it does not state; null clears, an address too', () => {
    const customer = customerOf(
      describing('1-1', jess),
      describing('1-2', { middle_name: null, mailing_address: null }),
    )
    expect(customer).toMatchObject({
      firstName: 'Jessica',
      middleName: null,
      fullName: 'Jessica Nguyen',
      mailingAddress: { street: null, city: null, state: null, postcode: null, country: null },
      residentialAddress: { street: '12 George Street' },
    })
  })

  it('a newer list of identity documents replaces the older', () => {
    const licence = { document_type: 'DRIVERS_LICENCE', document_number: '12345678', state_of_issue: 'VIC' }
    const medicare = { document_type: 'MEDICARE', document_subtype: 'GREEN', document_number: '2123456701' }
    const customer = customerOf(describing('1-3', {}, [medicare]), describing('1-1', {}, [licence]))
    expect(customer?.identityDocuments.map((document) => document.documentType)).toEqual(['MEDICARE'])
  })

  it('an event applied twice changes nothing; other events leave the customer as is', () => {
    const snapshot = describing('1-1', jess)
    const once = customerOf(snapshot)
    expect(evolveCustomer(once, snapshot)).toBe(once)
    expect(evolveCustomer(once, event('1-2', 'final_decision', { decision: 'APPROVED' }))).toBe(once)
    expect(evolveCustomer(once, event('1-3', 'user_input', { u: 'Hi' }, { uid: 'CUS-0000099' }))).toBe(once)
  })
})
