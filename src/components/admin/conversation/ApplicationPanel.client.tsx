import { formatAdminURL } from 'payload/shared'
import type React from 'react'

import { ToneBadge } from '../shared/Badges.client'
import { classNames } from '../shared/classNames'
import { toneOfWord } from '@/board/assessments'
import { formatMoney, label } from '@/lib/format'
import type { ApplicationRecord } from '@/board/types'
import { Facts, Panel } from './Panel.client'

type Stage = NonNullable<NonNullable<ApplicationRecord['applicationProcess']>['applicationProcessState']>[number]

const OUTCOME_TONE = { pending: 'neutral', approved: 'ok', declined: 'bad', withdrawn: 'warn' } as const

function Consent({ given, children }: { given: boolean | null | undefined; children: React.ReactNode }) {
  return (
    <li className={`billie-consent billie-consent--${given ? 'yes' : 'no'}`}>
      <span aria-hidden>{given ? '✓' : '○'}</span> {children}
      <span className="billie-visually-hidden">{given ? ': yes' : ': not yet'}</span>
    </li>
  )
}

function StageRow({
  stage,
  current,
  currentStep,
}: {
  stage: Stage
  current: boolean
  currentStep: string | null | undefined
}) {
  const steps = Array.isArray(stage.steps) ? stage.steps : []
  const done = steps.filter((step) => step.complete).length
  const percent = steps.length ? Math.round((done / steps.length) * 100) : stage.complete ? 100 : 0
  return (
    <li
      className={classNames(
        'billie-stage',
        stage.complete && 'billie-stage--complete',
        current && 'billie-stage--current',
      )}
    >
      <div className="billie-stage__head">
        <span className="billie-stage__name">
          <span aria-hidden>{stage.complete ? '✓' : current ? '▸' : '○'}</span> {label(stage.stageName)}
        </span>
        <span className="billie-stage__count">
          {done}/{steps.length} steps
        </span>
      </div>
      <div
        aria-label={`${label(stage.stageName)}: ${percent}% complete`}
        aria-valuemax={100}
        aria-valuemin={0}
        aria-valuenow={percent}
        className="billie-progress"
        role="progressbar"
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      {steps.length > 0 && (
        <ul className="billie-stage__steps">
          {steps.map((step) => (
            <li
              className={classNames(
                'billie-step',
                step.complete && 'billie-step--complete',
                current && step.stepName === currentStep && 'billie-step--current',
              )}
              key={step.stepName}
              title={step.description ?? undefined}
            >
              {step.complete ? '✓ ' : ''}
              {label(step.stepName)}
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}

export function ApplicationPanel({
  application,
  adminRoute,
}: {
  application: ApplicationRecord | null
  adminRoute: string
}) {
  if (!application) {
    return (
      <Panel id="application" title="Application">
        <p className="billie-muted">No application details yet: they arrive with the first application snapshot.</p>
      </Panel>
    )
  }
  const process = application.applicationProcess
  const stages = Array.isArray(process?.applicationProcessState) ? process.applicationProcessState : []
  const complete = stages.filter((stage) => stage.complete).length
  const outcome = application.applicationOutcome ?? 'pending'
  return (
    <Panel
      aside={
        <a
          className="billie-link"
          href={formatAdminURL({ adminRoute, path: `/collections/applications/${application.id}` })}
        >
          Record
        </a>
      }
      id="application"
      title={`Application ${application.applicationNumber}`}
    >
      <Facts
        rows={[
          ['Loan amount', formatMoney(application.loanAmount)],
          ['Fee', formatMoney(application.loanFee)],
          ['Total payable', formatMoney(application.loanTotalPayable)],
          ['Term', typeof application.loanTerm === 'number' ? `${application.loanTerm} months` : '—'],
          ['Purpose', application.loanPurpose || '—'],
          [
            'Outcome',
            <ToneBadge key="outcome" tone={OUTCOME_TONE[outcome] ?? toneOfWord(outcome)}>
              {label(outcome)}
            </ToneBadge>,
          ],
        ]}
      />
      <ul className="billie-consents">
        <Consent given={application.statementCaptureConsentProvided}>Statement capture consent</Consent>
        <Consent given={application.statementCaptureCompleted}>Statements captured</Consent>
        <Consent given={application.productOfferAcceptance}>Offer accepted</Consent>
        <Consent given={application.customerAttestationAcceptance}>Attestation accepted</Consent>
      </ul>
      <h3 className="billie-panel__subtitle">
        Process{stages.length ? ` · ${complete}/${stages.length} stages complete` : ''}
      </h3>
      {process?.currentProcessStage || process?.currentProcessStep ? (
        <p className="billie-process-now">
          Now at <strong>{label(process?.currentProcessStage)}</strong>
          {process?.currentProcessStep ? (
            <>
              {' '}
              → <strong>{label(process.currentProcessStep)}</strong>
            </>
          ) : null}
        </p>
      ) : null}
      {stages.length ? (
        <ol className="billie-stages">
          {stages.map((stage) => (
            <StageRow
              current={stage.stageName === process?.currentProcessStage}
              currentStep={process?.currentProcessStep}
              key={stage.stageName}
              stage={stage}
            />
          ))}
        </ol>
      ) : (
        <p className="billie-muted">No process stages reported yet.</p>
      )}
    </Panel>
  )
}
