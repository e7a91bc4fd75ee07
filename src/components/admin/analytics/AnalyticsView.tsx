import { Gutter, SetStepNav } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { businessTimeZone } from '@/analytics/settings'

import { requireStaff } from '../access'
import { StaffTemplate } from '../StaffTemplate'
import { AnalyticsCharts } from './AnalyticsCharts.client'
import './analytics.scss'

/** `/analytics`: the day at a glance, live, in the business time zone. Staff only. */
export function AnalyticsView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  requireStaff(initPageResult, '/analytics')
  return (
    <StaffTemplate initPageResult={initPageResult} params={params} searchParams={searchParams} viewType="analytics">
      <SetStepNav nav={[{ label: 'Analytics' }]} />
      <Gutter className="billie-analytics-view">
        <AnalyticsCharts timeZone={businessTimeZone(initPageResult.req.payload.config)} />
      </Gutter>
    </StaffTemplate>
  )
}
