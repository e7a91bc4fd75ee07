import React from 'react'

import { type AssessmentSummary, summariseAssessments } from '@/board/assessments'
import { ToneBadge } from '../shared/Badges.client'
import type { ApplicationRecord } from '@/board/types'
import { Facts, Panel, Reveal } from './Panel.client'

function Assessment({ summary, raw }: { summary: AssessmentSummary; raw: unknown }) {
  return (
    <article className="billie-assessment" data-assessment={summary.kind}>
      <header className="billie-assessment__head">
        <h3 className="billie-panel__subtitle">{summary.title}</h3>
        {summary.present ? (
          summary.verdict ? (
            <ToneBadge tone={summary.verdict.tone}>{summary.verdict.label}</ToneBadge>
          ) : (
            <ToneBadge tone="neutral">Received</ToneBadge>
          )
        ) : (
          <span className="billie-muted">Not received yet</span>
        )}
      </header>
      {summary.present && (
        <>
          {summary.figures.length > 0 && (
            <Facts
              rows={summary.figures.map((figure) => [
                figure.label,
                figure.tone ? (
                  <span className={`billie-tone billie-tone--${figure.tone}`}>{figure.value}</span>
                ) : (
                  figure.value
                ),
              ])}
            />
          )}
          {summary.flags.length > 0 ? (
            <ul aria-label={`${summary.title} flags`} className="billie-flags">
              {summary.flags.map((flag, index) => (
                <li key={`${index}-${flag}`}>⚑ {flag}</li>
              ))}
            </ul>
          ) : (
            <p className="billie-muted billie-assessment__clear">No flags raised.</p>
          )}
          <div className="billie-assessment__more">
            {summary.details.length > 0 && (
              <Reveal hideLabel="Hide details" label={`All ${summary.details.length} other fields`}>
                <Facts rows={summary.details.map((figure) => [figure.label, figure.value])} />
              </Reveal>
            )}
            <Reveal hideLabel="Hide raw JSON" label="Raw JSON">
              <pre className="billie-json">{JSON.stringify(raw, null, 2)}</pre>
            </Reveal>
          </div>
        </>
      )}
    </article>
  )
}

export function AssessmentsPanel({
  assessments,
}: {
  assessments: ApplicationRecord['assessments'] | null | undefined
}) {
  const summaries = summariseAssessments(assessments)
  return (
    <Panel id="assessments" title="Assessments">
      {summaries.map((summary) => (
        <Assessment key={summary.kind} raw={assessments?.[summary.kind]} summary={summary} />
      ))}
    </Panel>
  )
}
