'use client'
import React, { useState } from 'react'

import type { DeadLetterDetail, DeadLetterGroup, LetterPage } from '@/ops/deadLetters'

import { discardGroup, discardOne, retryGroup, retryOne } from './deadLetterActions'
import { FailureGroups } from './FailureGroups.client'
import { GroupLetters } from './GroupLetters.client'
import { LetterDetail } from './LetterDetail.client'
import { usePoll } from './usePoll'

const PAGE_SIZE = 50

/** The dead-letter console: groups by failure, a group's letters a page at a time, one letter's detail. */
export function DeadLetters() {
  const [selected, setSelected] = useState<DeadLetterGroup>()
  const [page, setPage] = useState(1)
  const [letterId, setLetterId] = useState<string>()
  const [message, setMessage] = useState<string>()

  const groups = usePoll<{ groups: DeadLetterGroup[]; total: number }>('/api/ops/dead-letters/groups', 5_000)
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

  /** Reports what an action did (unless the admin changed their mind), and reads the console again. */
  const act = (action: Promise<string | undefined>, { closesDetail }: { closesDetail: boolean }) =>
    void action.then((outcome) => {
      if (outcome === undefined) return
      setMessage(outcome)
      if (closesDetail) setLetterId(undefined)
      groups.refresh()
      letters.refresh()
    })
  const select = (group: DeadLetterGroup) => {
    setSelected(group)
    setPage(1)
    setLetterId(undefined)
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
      <FailureGroups
        groups={groups.data?.groups ?? []}
        onDiscard={(group) => act(discardGroup(group), { closesDetail: false })}
        onRetry={(group) => act(retryGroup(group), { closesDetail: true })}
        onSelect={select}
        selected={selected}
      />
      {selected && letters.data && (
        <GroupLetters group={selected} letters={letters.data} onOpen={setLetterId} onPage={setPage} page={page} />
      )}
      {letterId && detail.data && (
        <LetterDetail
          letter={detail.data}
          onDiscard={() => act(discardOne(detail.data!), { closesDetail: true })}
          onRetry={() => act(retryOne(detail.data!), { closesDetail: true })}
        />
      )}
    </div>
  )
}
