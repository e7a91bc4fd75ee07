import { Gutter, SetStepNav } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { requireAdmin } from '../access'
import { StaffTemplate } from '../StaffTemplate'
import { DeadLetters } from './DeadLetters.client'
import { Operations } from './Operations.client'
import './ops.scss'

/** The operations view (admins only): projections, workers, charts; it polls /api/ops/status. */
export function OperationsView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  requireAdmin(initPageResult, '/operations')
  return (
    <StaffTemplate initPageResult={initPageResult} params={params} searchParams={searchParams} viewType="operations">
      <SetStepNav nav={[{ label: 'Operations' }]} />
      <Gutter className="billie-ops">
        <h1>Operations</h1>
        <Operations />
      </Gutter>
    </StaffTemplate>
  )
}

/** The dead-letter console (admins only). */
export function DeadLettersView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  requireAdmin(initPageResult, '/operations/dead-letters')
  return (
    <StaffTemplate initPageResult={initPageResult} params={params} searchParams={searchParams} viewType="deadLetters">
      <SetStepNav nav={[{ label: 'Operations', url: '/operations' }, { label: 'Dead letters' }]} />
      <Gutter className="billie-ops">
        <h1>Dead letters</h1>
        <DeadLetters />
      </Gutter>
    </StaffTemplate>
  )
}
