'use client'
import { useState } from 'react'

import { patchConversation, sameId } from '@/board/cards'
import type { Finder } from '@/board/finder'
import type { ConversationRecord } from '@/board/types'
import type { ChangeMessage } from '@/projections/changes'

import { useGathered, useLatest } from '../shared/hooks'
import {
  type ConversationDetail,
  customerConversations,
  findApplication,
  findConversation,
  findCustomer,
} from './loadConversation'

type RecordChange = Extract<ChangeMessage, { collection: 'conversations' | 'applications' | 'customers' }>

/**
 * The conversation and the records beside it (its application, its customer and the customer's
 * other conversations), kept current: a change of the conversation patches it in place, and
 * anything the message cannot say is read again, once per burst.
 */
export function useConversationRecords(
  finder: Finder,
  initial: ConversationDetail,
  fail: (what: string) => (cause: unknown) => void,
) {
  const [conversation, setConversation] = useState<ConversationRecord>(initial.conversation)
  const [application, setApplication] = useState(initial.application)
  const [customer, setCustomer] = useState(initial.customer)
  const [others, setOthers] = useState(initial.customerConversations)
  const shownRef = useLatest({ conversation, application })

  const rereadConversation = useGathered(() => {
    findConversation(finder, shownRef.current.conversation.conversationId)
      .then((doc) => doc && setConversation(doc))
      .catch(fail('Refreshing the conversation failed'))
  })
  const rereadApplication = useGathered(() => {
    findApplication(finder, shownRef.current.conversation)
      .then((doc) => doc && setApplication(doc))
      .catch(fail('Refreshing the application failed'))
  })
  const rereadCustomer = useGathered(() => {
    const id = shownRef.current.conversation.customer
    Promise.all([findCustomer(finder, id), customerConversations(finder, id)])
      .then(([doc, list]) => {
        if (doc) setCustomer(doc)
        setOthers(list)
      })
      .catch(fail('Refreshing the customer failed'))
  })

  /** Applies a change of the conversation, its application or its customer. */
  const apply = (change: RecordChange) => {
    const { conversation: current, application: shownApplication } = shownRef.current
    switch (change.collection) {
      case 'conversations': {
        if (!sameId(change.id, current.id)) return
        const next = patchConversation(current, change.doc)
        setConversation((existing) => patchConversation(existing, change.doc))
        if (!sameId(next.application, current.application)) rereadApplication()
        if (!sameId(next.customer, current.customer)) rereadCustomer()
        // The message is a patch of the card; the summary's facts come with a re-read.
        rereadConversation()
        return
      }
      case 'applications':
        if (
          sameId(change.id, shownApplication?.id ?? current.application) ||
          (current.applicationNumber && change.doc.applicationNumber === current.applicationNumber)
        )
          rereadApplication()
        return
      case 'customers':
        if (sameId(change.id, current.customer)) rereadCustomer()
        return
    }
  }

  const rereadAll = () => {
    rereadConversation()
    rereadApplication()
    rereadCustomer()
  }

  return { conversation, application, customer, others, apply, rereadAll }
}
