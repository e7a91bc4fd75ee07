'use client'
import { Link, useAuth } from '@payloadcms/ui'
import React from 'react'

import { hasRole } from '@/access/roles'
import type { FiringAlert } from '@/ops/alerts'

import { usePoll } from './usePoll'

/** Above the admin's header, for admins only: the alerts firing now (polled every 10 s). */
export function AlertBanner() {
  const { user } = useAuth()
  const admin = hasRole(user as { role?: string | null } | null, 'admin')
  const { data } = usePoll<{ alerts: FiringAlert[] }>(admin ? '/api/ops/alerts' : null, 10_000)
  if (!admin || !data?.alerts.length) return null
  return (
    <div className="billie-alert-banner" role="alert">
      <strong>
        {data.alerts.length} alert{data.alerts.length === 1 ? '' : 's'} firing:
      </strong>{' '}
      {data.alerts.map((alert) => alert.summary).join(' · ')}{' '}
      <Link href="/admin/operations" prefetch={false}>
        Operations
      </Link>
    </div>
  )
}
