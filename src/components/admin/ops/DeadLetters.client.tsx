'use client'
import React, { useState } from 'react'

import type { DeadLetterDetail, DeadLetterGroup, LetterPage } from '@/ops/deadLetters'

import { usePoll } from './usePoll'

const PAGE_SIZE = 50

async function post(path: string, body: object): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { ok: res.ok, body: (await res.json()) as Record<string, unknown> }
}

const outcomeText = (verb: string, body: Record<string, unknown>) => {
  if (typeof body.message === 'string') return body.message
  const failed = (body.failed as unknown[] | undefined)?.length ?? 0
  return `${verb} ${body.done} of ${body.requested}${failed ? `; ${failed} failed again (still dead letters)` : ''}${
    body.missing ? `; ${body.missing} already gone` : ''
  }${body.outage ? `; stopped by an outage: ${body.outage}` : ''}`
}

/** The dead-letter console: groups by failure, a group's letters a page at a time, one letter's detail. */
export function DeadLetters() {
  const groups = usePoll<{ groups: DeadLetterGroup[]; total: number }>('/api/ops/dead-letters/groups', 5_000)
  const [selected, setSelected] = useState<DeadLetterGroup>()
  const [page, setPage] = useState(1)
  const [letterId, setLetterId] = useState<string>()
  const [message, setMessage] = useState<string>()
  const letters = usePoll<LetterPage>(
    selected
      ? `/api/ops/dead-letters?${new URLSearchParams({
          projection: selected.projection,
          fingerprint: selected.fingerprint,
          page: String(page),
          limit: String(PAGE_SIZE),
        })}`
      : null,
    5_000,
  )
  const detail = usePoll<DeadLetterDetail>(
    selected && letterId ? `/api/ops/dead-letters/${selected.projection}/${letterId}` : null,
    60_000,
  )
  const refreshAll = () => {
    groups.refresh()
    letters.refresh()
  }

  const retryGroup = async (group: DeadLetterGroup) => {
    if (!window.confirm(`Retry ${group.count} dead letter${group.count === 1 ? '' : 's'} of this group?`)) return
    const { body } = await post('/api/ops/dead-letters/retry', {
      projection: group.projection,
      fingerprint: group.fingerprint,
      confirm: group.count,
    })
    setMessage(outcomeText('Retried', body))
    setLetterId(undefined)
    refreshAll()
  }
  const discardGroup = async (group: DeadLetterGroup) => {
    const why = window.prompt(`Discard ${group.count} dead letter${group.count === 1 ? '' : 's'} of this group? Why:`)
    if (!why) return
    const { body } = await post('/api/ops/dead-letters/discard', {
      projection: group.projection,
      fingerprint: group.fingerprint,
      confirm: group.count,
      why,
    })
    setMessage(outcomeText('Discarded', body))
    refreshAll()
  }
  const actOnOne = async (kind: 'retry' | 'discard', letter: DeadLetterDetail) => {
    let why: string | null = null
    if (kind === 'retry' && !window.confirm(`Retry 1 dead letter (entry ${letter.entryId})?`)) return
    if (kind === 'discard') {
      why = window.prompt(`Discard 1 dead letter (entry ${letter.entryId})? Why:`)
      if (!why) return
    }
    const { body } = await post(`/api/ops/dead-letters/${kind}`, {
      projection: letter.projection,
      ids: [letter.id],
      ...(why ? { why } : {}),
    })
    setMessage(outcomeText(kind === 'retry' ? 'Retried' : 'Discarded', body))
    setLetterId(undefined)
    refreshAll()
  }

  return (
    <div className="billie-ops__dlq">
      {message && (
        <p className="billie-ops__message" role="status">
          {message}
        </p>
      )}
      {groups.error && <p className="billie-ops__error">{groups.error}</p>}
      <h2>Failure groups ({groups.data?.total ?? '…'} dead letters)</h2>
      {groups.data?.groups.length === 0 && <p>No dead letters. Nothing to do.</p>}
      <table className="billie-ops__groups">
        <thead>
          <tr>
            <th>Projection</th>
            <th>Event type</th>
            <th>Reason</th>
            <th>Count</th>
            <th>First seen</th>
            <th>Last seen</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {groups.data?.groups.map((group) => (
            <tr
              className={selected?.fingerprint === group.fingerprint ? 'billie-ops__selected' : ''}
              data-fingerprint={group.fingerprint}
              key={group.fingerprint}
            >
              <td>{group.projection}</td>
              <td>
                <code>{group.type}</code>
              </td>
              <td>
                <button
                  className="billie-ops__link"
                  onClick={() => {
                    setSelected(group)
                    setPage(1)
                    setLetterId(undefined)
                  }}
                  type="button"
                >
                  {group.pattern}
                </button>
              </td>
              <td>{group.count}</td>
              <td>{new Date(group.firstSeen).toLocaleString()}</td>
              <td>{new Date(group.lastSeen).toLocaleString()}</td>
              <td className="billie-ops__actions">
                <button onClick={() => void retryGroup(group)} type="button">
                  Retry all {group.count}
                </button>
                <button onClick={() => void discardGroup(group)} type="button">
                  Discard all
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {selected && letters.data && (
        <section>
          <h2>
            {letters.data.total} dead letters: <code>{selected.pattern}</code>
          </h2>
          <table className="billie-ops__letters">
            <thead>
              <tr>
                <th>Entry</th>
                <th>Conversation</th>
                <th>Attempts</th>
                <th>Failed at</th>
              </tr>
            </thead>
            <tbody>
              {letters.data.letters.map((letter) => (
                <tr key={letter.id}>
                  <td>
                    <button className="billie-ops__link" onClick={() => setLetterId(letter.id)} type="button">
                      {letter.entryId}
                    </button>
                  </td>
                  <td>{letter.conversationId ?? '–'}</td>
                  <td>{letter.attempts}</td>
                  <td>{new Date(letter.failedAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="billie-ops__pager">
            <button disabled={page <= 1} onClick={() => setPage(page - 1)} type="button">
              Newer
            </button>{' '}
            page {page} of {letters.data.pages}{' '}
            <button disabled={page >= letters.data.pages} onClick={() => setPage(page + 1)} type="button">
              Older
            </button>
          </p>
        </section>
      )}

      {letterId && detail.data && (
        <section className="billie-ops__detail" data-testid="dead-letter-detail">
          <h2>Entry {detail.data.entryId}</h2>
          <dl>
            <dt>Reason</dt>
            <dd>{detail.data.reason}</dd>
            <dt>Attempts</dt>
            <dd>{detail.data.attempts}</dd>
            <dt>Consumer</dt>
            <dd>{detail.data.consumer}</dd>
            <dt>Failed at</dt>
            <dd>{new Date(detail.data.failedAt).toLocaleString()}</dd>
            {Object.entries(detail.data.fields)
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
          {detail.data.dat !== undefined && (
            <>
              <h3>dat {detail.data.datIsJson ? '' : '(not valid JSON)'}</h3>
              <pre className="billie-ops__dat">{detail.data.dat}</pre>
            </>
          )}
          <p className="billie-ops__actions">
            <button onClick={() => void actOnOne('retry', detail.data!)} type="button">
              Retry this one
            </button>
            <button onClick={() => void actOnOne('discard', detail.data!)} type="button">
              Discard this one
            </button>
          </p>
        </section>
      )}
    </div>
  )
}
