import { Link } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import React from 'react'

import { toneOfWord } from '@/board/assessments'
import { StatusBadge, ToneBadge } from '../shared/Badges.client'
import { formatDate, label } from '@/lib/format'
import { LocalTime } from '../shared/LocalTime.client'
import type { ConversationLink, CustomerRecord, RecordId } from '@/board/types'
import { Facts, Panel } from './Panel.client'

type Address = CustomerRecord['residentialAddress']

const addressText = (address: Address) =>
  [address?.street, [address?.city, address?.state, address?.postcode].filter(Boolean).join(' '), address?.country]
    .filter(Boolean)
    .join(', ') || '—'

export function CustomerPanel({
  customer,
  conversations,
  current,
  adminRoute,
}: {
  customer: CustomerRecord | null
  conversations: ConversationLink[]
  current: RecordId
  adminRoute: string
}) {
  if (!customer) {
    return (
      <Panel id="customer" title="Customer">
        <p className="billie-muted">Not known yet: the customer&apos;s details arrive with the application snapshot.</p>
      </Panel>
    )
  }
  const flags = [
    customer.staffFlag && 'Staff',
    customer.investorFlag && 'Investor',
    customer.founderFlag && 'Founder',
  ].filter((flag): flag is string => Boolean(flag))
  const mailing = addressText(customer.mailingAddress)
  const residential = addressText(customer.residentialAddress)
  return (
    <Panel
      aside={
        <a className="billie-link" href={formatAdminURL({ adminRoute, path: `/collections/customers/${customer.id}` })}>
          Record
        </a>
      }
      id="customer"
      title="Customer"
    >
      <Facts
        rows={[
          ['Name', [customer.title, customer.fullName].filter(Boolean).join(' ') || '—'],
          customer.preferredName ? ['Preferred name', customer.preferredName] : null,
          ['Customer id', customer.customerId],
          ['Email', customer.emailAddress || '—'],
          ['Mobile', customer.mobilePhoneNumber || '—'],
          // A date of birth is a calendar date: shown as stored, in UTC, never shifted by a zone.
          ['Date of birth', customer.dateOfBirth ? formatDate(customer.dateOfBirth, 'UTC') : '—'],
          ['Address', residential],
          mailing !== residential ? ['Mailing address', mailing] : null,
          [
            'eKYC',
            customer.ekycStatus ? (
              <ToneBadge key="ekyc" tone={toneOfWord(customer.ekycStatus)}>
                {label(customer.ekycStatus)}
              </ToneBadge>
            ) : (
              '—'
            ),
          ],
          customer.individualStatus && customer.individualStatus !== 'LIVING'
            ? [
                'Status',
                <ToneBadge key="status" tone="bad">
                  {label(customer.individualStatus)}
                </ToneBadge>,
              ]
            : null,
          flags.length ? ['Flags', flags.join(', ')] : null,
        ]}
      />
      {customer.identityDocuments?.length ? (
        <>
          <h3 className="billie-panel__subtitle">Identity documents</h3>
          <ul className="billie-documents">
            {customer.identityDocuments.map((document, index) => (
              <li key={document.id ?? index}>
                <strong>{label(document.documentType)}</strong>
                {document.documentSubtype ? ` (${label(document.documentSubtype)})` : ''} · {document.documentNumber}
                {document.stateOfIssue ? ` · ${document.stateOfIssue}` : ''}
                {document.expiryDate ? ` · expires ${formatDate(document.expiryDate, 'UTC')}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {conversations.length > 1 && (
        <>
          <h3 className="billie-panel__subtitle">Conversations</h3>
          <ul className="billie-related">
            {conversations.map((conversation) => (
              <li key={conversation.id}>
                {String(conversation.id) === String(current) ? (
                  <span className="billie-related__current">This conversation</span>
                ) : (
                  <Link
                    href={formatAdminURL({
                      adminRoute,
                      path: `/live/${encodeURIComponent(conversation.conversationId)}`,
                    })}
                    prefetch={false}
                  >
                    {conversation.applicationNumber ?? conversation.conversationId}
                  </Link>
                )}
                <span className="billie-related__meta">
                  <LocalTime format="date" iso={conversation.startedAt} /> <StatusBadge status={conversation.status} />
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  )
}
