'use client'
import { useCallback } from 'react'

import { sameId } from '@/board/cards'
import type { ChangeMessage } from '@/projections/changes'

import { useGathered } from '../shared/hooks'
import { isKnown, type ListAction } from './listState'
import type { BoardQuery } from './useBoardQuery'

/**
 * How change messages reach the list: one reducer step for all of them, and reads (gathered per
 * burst) for what the list cannot tell from a message: conversations it does not show yet (read
 * with the filters, server-side, they arrive at the top) and the risk markers of a changed
 * application.
 */
export function useBoardChanges({
  stateRef,
  dispatch,
  arrive,
  markers,
}: BoardQuery): (changes: ChangeMessage[]) => void {
  const readArrivals = useGathered<string>(arrive)
  const readMarkers = useGathered<string>(markers)
  return useCallback(
    (changes: ChangeMessage[]) => {
      const current = stateRef.current
      const listed = (match: (card: (typeof current.cards)[number]) => boolean) =>
        current.cards.some(match) || current.pending.some(match)
      const actions: ListAction[] = []
      for (const change of changes) {
        switch (change.collection) {
          case 'conversations':
            if (change.operation === 'delete') actions.push({ type: 'remove', id: change.id })
            else if (isKnown(current, change.id))
              actions.push({ type: 'patch', id: change.id, doc: change.doc, version: change.version })
            else readArrivals(String(change.id))
            break
          case 'utterances': {
            if (change.operation === 'delete') break
            const { conversation, seq, username, utterance, timestamp } = change.doc
            actions.push({ type: 'line', conversation, line: { seq, username, utterance, timestamp } })
            break
          }
          case 'applications':
            if (listed((card) => sameId(card.application, change.id))) readMarkers(String(change.id))
            break
          case 'customers':
            if (change.doc.fullName) actions.push({ type: 'customer', id: change.id, fullName: change.doc.fullName })
            break
        }
      }
      if (actions.length === 1) dispatch(actions[0]!)
      else if (actions.length > 1) dispatch({ type: 'batch', actions })
    },
    [dispatch, readArrivals, readMarkers, stateRef],
  )
}
