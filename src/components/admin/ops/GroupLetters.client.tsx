'use client'
import React from 'react'

import type { DeadLetterGroup, LetterPage } from '@/ops/deadLetters'

/** One page of a failure group's dead letters, newest first. */
export function GroupLetters({
  group,
  letters,
  page,
  onPage,
  onOpen,
}: {
  group: DeadLetterGroup
  letters: LetterPage
  /** The page asked for (the one shown until it has been read). */
  page: number
  onPage: (page: number) => void
  onOpen: (letterId: string) => void
}) {
  return (
    <section>
      <h2>
        {letters.total} dead letters: <code>{group.pattern}</code>
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
          {letters.letters.map((letter) => (
            <tr key={letter.id}>
              <td>
                <button className="billie-ops__link" onClick={() => onOpen(letter.id)} type="button">
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
        <button disabled={page <= 1} onClick={() => onPage(page - 1)} type="button">
          Newer
        </button>{' '}
        page {page} of {letters.pages}{' '}
        <button disabled={page >= letters.pages} onClick={() => onPage(page + 1)} type="button">
          Older
        </button>
      </p>
    </section>
  )
}
