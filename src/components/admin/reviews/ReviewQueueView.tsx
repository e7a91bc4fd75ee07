import { Gutter, SetStepNav } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { requireStaff } from '../access'
import { StaffTemplate } from '../StaffTemplate'
import { ReviewQueue } from './ReviewQueue.client'
import './reviews.scss'

/** `/reviews`: the open reviews, mine, unassigned or all, live. Staff only. */
export function ReviewQueueView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  const user = requireStaff(initPageResult, '/reviews')
  const tab = typeof searchParams?.show === 'string' ? searchParams.show : undefined
  return (
    <StaffTemplate initPageResult={initPageResult} params={params} searchParams={searchParams} viewType="reviewQueue">
      <SetStepNav nav={[{ label: 'Review queue' }]} />
      <Gutter className="billie-queue-view">
        <ReviewQueue initialTab={tab === 'unassigned' || tab === 'all' ? tab : 'mine'} userId={user.id} />
      </Gutter>
    </StaffTemplate>
  )
}
