import { Gutter, SetStepNav } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { requireAdmin } from '../access'
import { StaffTemplate } from '../StaffTemplate'
import { ProjectionsPanel } from './ProjectionsPanel.client'
import './projections.scss'

/**
 * Verify and rebuild the read models from chatLedger, for admins: each projection's versions, a
 * verify that reports drift record by record, a rebuild that puts it right while the board stays
 * live, and the running job's progress with pause, resume and cancel.
 */
export function ProjectionsView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  requireAdmin(initPageResult, '/projections')
  return (
    <StaffTemplate initPageResult={initPageResult} params={params} searchParams={searchParams} viewType="projections">
      <SetStepNav nav={[{ label: 'Projections' }]} />
      <Gutter className="billie-projections">
        <h1>Projections</h1>
        <p className="billie-projections__intro">
          Every read model is folded from the chatLedger stream. <strong>Verify</strong> folds the whole stream in
          memory and compares it with what is stored, writing nothing. <strong>Rebuild</strong> rewrites each record
          that differs in one write, creates the missing and removes those no event justifies, while the board and the
          portal keep answering and new events keep arriving. The same from a shell:{' '}
          <code>pnpm projections verify|rebuild &lt;name&gt;</code>.
        </p>
        <ProjectionsPanel />
      </Gutter>
    </StaffTemplate>
  )
}
