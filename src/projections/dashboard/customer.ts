import type {
  ApplicationDetailChanged,
  CustomerSnapshot,
  EkycStatus,
  IdentityDocument,
  IndividualStatus,
} from '@/events/types'

import type { AppliedEvents } from '../appliedEvents'
import { applyingEachEventOnce } from '../define'
import { composeFullName } from './fullName'
import { type Stamps, writeFields } from '../registers'
import { customerOf } from './keys'

/** An address group; all null when unknown (a group is always an object in the collection). */
export type AddressGroup = {
  street: string | null
  city: string | null
  state: string | null
  postcode: string | null
  country: string | null
}

const SCALAR_FIELDS = [
  'title',
  'preferredName',
  'firstName',
  'middleName',
  'lastName',
  'emailAddress',
  'mobilePhoneNumber',
  'dateOfBirth',
  'staffFlag',
  'investorFlag',
  'founderFlag',
  'ekycEntityId',
  'ekycStatus',
  'individualStatus',
] as const satisfies readonly (keyof CustomerSnapshot)[]

const ADDRESS_FIELDS = ['residentialAddress', 'mailingAddress'] as const satisfies readonly (keyof CustomerSnapshot)[]

type CustomerRegister = (typeof SCALAR_FIELDS)[number] | (typeof ADDRESS_FIELDS)[number] | 'identityDocuments'

/** Stored in the record's hidden `projection` field. */
export type CustomerBookkeeping = { stamps: Stamps<CustomerRegister>; applied?: AppliedEvents }

/** A `customers` record: the collection's fields, plus `projection`. */
export type CustomerState = {
  customerId: string
  title: string | null
  preferredName: string | null
  firstName: string | null
  middleName: string | null
  lastName: string | null
  /** First, middle and last name; else the preferred name; else ''. */
  fullName: string
  emailAddress: string | null
  mobilePhoneNumber: string | null
  dateOfBirth: string | null
  residentialAddress: AddressGroup
  mailingAddress: AddressGroup
  staffFlag: boolean | null
  investorFlag: boolean | null
  founderFlag: boolean | null
  ekycEntityId: string | null
  ekycStatus: EkycStatus | null
  individualStatus: IndividualStatus | null
  identityDocuments: IdentityDocument[]
  projection: CustomerBookkeeping
}

const noAddress = (): AddressGroup => ({ street: null, city: null, state: null, postcode: null, country: null })

/** A customer known only by its id, until a snapshot describes them. */
const newCustomer = (customerId: string): CustomerState => ({
  customerId,
  title: null,
  preferredName: null,
  firstName: null,
  middleName: null,
  lastName: null,
  fullName: '',
  emailAddress: null,
  mobilePhoneNumber: null,
  dateOfBirth: null,
  residentialAddress: noAddress(),
  mailingAddress: noAddress(),
  staffFlag: null,
  investorFlag: null,
  founderFlag: null,
  ekycEntityId: null,
  ekycStatus: null,
  individualStatus: null,
  identityDocuments: [],
  projection: { stamps: {} },
})

/** Each field the snapshot states is its own register: a partial snapshot leaves the rest alone. */
function describe(state: CustomerState, event: ApplicationDetailChanged): CustomerState {
  const { customer = {}, identityDocuments } = event.data
  const at = event.entryId
  const fields: Partial<Record<CustomerRegister, unknown>> = {}
  for (const field of SCALAR_FIELDS) fields[field] = customer[field]
  for (const field of ADDRESS_FIELDS) {
    const address = customer[field]
    if (address !== undefined) fields[field] = address ?? noAddress()
  }
  if (identityDocuments) fields.identityDocuments = identityDocuments
  const described = writeFields(state, at, fields as Partial<CustomerState>)
  return described === state ? state : { ...described, fullName: composeFullName(described) }
}

/**
 * The customer after `event`; `state` itself when the event changes nothing. Any event naming
 * a customer (`uid`) creates them, known only by id; applicationDetail_changed describes them
 * from `dat.customer` and `dat.customerIdentityDocuments`.
 */
export const evolveCustomer = applyingEachEventOnce<CustomerState>(
  (state, event) => {
    const customerId = customerOf(event)
    if (customerId === undefined || (state && state.customerId !== customerId)) return state
    const current = state ?? newCustomer(customerId)
    return event.type === 'applicationDetail_changed' ? describe(current, event) : current
  },
  {
    counts: (event, state) =>
      event.type === 'applicationDetail_changed' &&
      event.customerId !== undefined &&
      (!state || state.customerId === event.customerId),
  },
)
