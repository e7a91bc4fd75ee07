import React from 'react'

import { LocalTime } from '../shared/LocalTime.client'
import type { ApplicationRecord } from '@/board/types'
import { Panel, Reveal } from './Panel.client'

type Note = NonNullable<ApplicationRecord['noticeboard']>[number]

const latestFirst = (a: { timestamp?: string | null }, b: { timestamp?: string | null }) =>
  (b.timestamp ?? '').localeCompare(a.timestamp ?? '')

/** One note per agent, the latest first; each note's earlier contents one click away. */
export function NoticeboardPanel({ notes }: { notes: Note[] | null | undefined }) {
  const sorted = [...(notes ?? [])].sort(latestFirst)
  return (
    <Panel id="noticeboard" title="Noticeboard">
      {sorted.length === 0 ? (
        <p className="billie-muted">No notes from the agents yet.</p>
      ) : (
        <ul className="billie-notes">
          {sorted.map((note) => {
            const versions = [...(note.versions ?? [])].sort(latestFirst)
            return (
              <li className="billie-note" data-agent={note.agentName} key={note.id ?? note.agentName}>
                <div className="billie-note__head">
                  <strong>{note.agentName}</strong>
                  <LocalTime iso={note.timestamp} />
                </div>
                <p className="billie-note__content">{note.content}</p>
                {versions.length > 0 && (
                  <Reveal
                    hideLabel="Hide earlier versions"
                    label={`${versions.length} earlier version${versions.length === 1 ? '' : 's'}`}
                  >
                    <ol className="billie-note__versions">
                      {versions.map((version, index) => (
                        <li key={`${version.timestamp}:${index}`}>
                          <LocalTime iso={version.timestamp} />
                          <p className="billie-note__content">{version.content ?? ''}</p>
                        </li>
                      ))}
                    </ol>
                  </Reveal>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </Panel>
  )
}
