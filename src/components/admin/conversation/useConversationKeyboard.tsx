'use client'
import { useRouter } from 'next/navigation'
import { formatAdminURL } from 'payload/shared'
import type React from 'react'

import type { ConversationLink } from '@/board/types'

import { type Shortcut, useShortcuts } from '../shared/Shortcuts.client'

/** The conversation view's keyboard shortcuts; returns the help dialog (`?`) to render. */
export function useConversationKeyboard({
  adminRoute,
  previous,
  next,
}: {
  adminRoute: string
  previous: ConversationLink | null
  next: ConversationLink | null
}): React.ReactNode {
  const router = useRouter()
  const hrefOf = (link: ConversationLink | null) =>
    link && formatAdminURL({ adminRoute, path: `/live/${encodeURIComponent(link.conversationId)}` })
  const go = (href: string | null) => href && router.push(href)
  const shortcuts: Shortcut[] = [
    { keys: ['k', 'ArrowLeft'], label: 'Previous conversation (started before)', run: () => go(hrefOf(previous)) },
    { keys: ['j', 'ArrowRight'], label: 'Next conversation (started after)', run: () => go(hrefOf(next)) },
    {
      keys: ['G', 'End'],
      label: 'Jump to the latest message',
      run: () => {
        const scroller = document.querySelector<HTMLElement>('.billie-transcript__scroller')
        if (scroller) scroller.scrollTop = scroller.scrollHeight
      },
    },
    { keys: ['u'], label: 'Back to the live board', run: () => go(formatAdminURL({ adminRoute, path: '' })) },
  ]
  return useShortcuts(shortcuts, 'Conversation: keyboard shortcuts')
}
