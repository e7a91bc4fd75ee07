'use client'
import type React from 'react'

import { type Shortcut, useShortcuts } from '../shared/Shortcuts.client'

/** The board's cards, in reading order: they are links, so a focused card opens with Enter. */
const cardLinks = () => Array.from(document.querySelectorAll<HTMLElement>('.billie-live__grid .billie-card'))

/** Cards per row: those on the first card's line. */
const columns = (links: HTMLElement[]) => links.filter((link) => link.offsetTop === links[0]!.offsetTop).length || 1

function moveFocus(step: (at: number, links: HTMLElement[]) => number) {
  const links = cardLinks()
  if (links.length === 0) return
  const at = links.indexOf(document.activeElement as HTMLElement)
  const next = links[Math.min(links.length - 1, Math.max(0, at === -1 ? 0 : step(at, links)))]!
  next.focus()
  next.scrollIntoView({ block: 'nearest' })
}

export type BoardKeys = {
  /** Shows the cards waiting behind the "new" pill. */
  showPending: () => void
  togglePause: () => void
  toggleAttention: () => void
  focusSearch: () => void
}

/** The board's keyboard shortcuts; returns the help dialog (`?`) to render. */
export function useBoardKeyboard({
  showPending,
  togglePause,
  toggleAttention,
  focusSearch,
}: BoardKeys): React.ReactNode {
  const jumpToLatest = () => {
    showPending()
    window.scrollTo({ top: 0 })
    cardLinks()[0]?.focus({ preventScroll: true })
  }
  const shortcuts: Shortcut[] = [
    { keys: ['j', 'ArrowRight'], label: 'Next card', run: () => moveFocus((at) => at + 1) },
    { keys: ['k', 'ArrowLeft'], label: 'Previous card', run: () => moveFocus((at) => at - 1) },
    { keys: ['ArrowDown'], label: 'Card below', run: () => moveFocus((at, links) => at + columns(links)) },
    { keys: ['ArrowUp'], label: 'Card above', run: () => moveFocus((at, links) => at - columns(links)) },
    {
      keys: ['Enter', 'o'],
      label: 'Open the selected conversation',
      // Enter elsewhere (a button, a link) keeps its own meaning.
      when: () => cardLinks().includes(document.activeElement as HTMLElement),
      run: () => (document.activeElement as HTMLElement).click(),
    },
    { keys: ['g', 'Home'], label: 'Jump to the latest conversations', run: jumpToLatest },
    { keys: ['p'], label: 'Pause or resume live updates', run: togglePause },
    { keys: ['a'], label: 'Needs attention only, or all', run: toggleAttention },
    { keys: ['/'], label: 'Search', run: focusSearch },
  ]
  return useShortcuts(shortcuts, 'Live conversations: keyboard shortcuts')
}
