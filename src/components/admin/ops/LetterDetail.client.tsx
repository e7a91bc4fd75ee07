'use client'
import React from 'react'

import type { DeadLetterDetail } from '@/ops/deadLetters'

/** One dead letter: why it failed, the entry's fields, its `dat` (shown as text), and its actions. */
export function LetterDetail({
  letter,
  onRetry,
  onDiscard,
}: {
  letter: DeadLetterDetail
  onRetry: () => void
  onDiscard: () => void
}) {
  return (
    <section className="billie-ops__detail" data-testid="dead-letter-detail">
      <h2>Entry {letter.entryId}</h2>
      <dl>
        <dt>Reason</dt>
        <dd>{letter.reason}</dd>
        <dt>Attempts</dt>
        <dd>{letter.attempts}</dd>
        <dt>Consumer</dt>
        <dd>{letter.consumer}</dd>
        <dt>Failed at</dt>
        <dd>{new Date(letter.failedAt).toLocaleString()}</dd>
        {Object.entries(letter.fields)
          .filter(([field]) => field !== 'dat')
          .map(([field, value]) => (
            <React.Fragment key={field}>
              <dt>
                <code>{field}</code>
              </dt>
              <dd>{value}</dd>
            </React.Fragment>
          ))}
      </dl>
      {letter.dat !== undefined && (
        <>
          <h3>dat {letter.datIsJson ? '' : '(not valid JSON)'}</h3>
          <pre className="billie-ops__dat">{letter.dat}</pre>
        </>
      )}
      <p className="billie-ops__actions">
        <button onClick={onRetry} type="button">
          Retry this one
        </button>
        <button onClick={onDiscard} type="button">
          Discard this one
        </button>
      </p>
    </section>
  )
}
