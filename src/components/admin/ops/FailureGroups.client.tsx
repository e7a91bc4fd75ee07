'use client'
import React from 'react'

import type { DeadLetterGroup } from '@/ops/deadLetters'

/** Dead letters grouped by how they failed, each group with its actions. */
export function FailureGroups({
  groups,
  selected,
  onSelect,
  onRetry,
  onDiscard,
}: {
  groups: DeadLetterGroup[]
  selected: DeadLetterGroup | undefined
  onSelect: (group: DeadLetterGroup) => void
  onRetry: (group: DeadLetterGroup) => void
  onDiscard: (group: DeadLetterGroup) => void
}) {
  return (
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
        {groups.map((group) => (
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
              <button className="billie-ops__link" onClick={() => onSelect(group)} type="button">
                {group.pattern}
              </button>
            </td>
            <td>{group.count}</td>
            <td>{new Date(group.firstSeen).toLocaleString()}</td>
            <td>{new Date(group.lastSeen).toLocaleString()}</td>
            <td className="billie-ops__actions">
              <button onClick={() => onRetry(group)} type="button">
                Retry all {group.count}
              </button>
              <button onClick={() => onDiscard(group)} type="button">
                Discard all
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
