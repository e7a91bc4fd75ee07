'use client'
/**
 * Keyboard shortcuts for the live views: one listener per view, never inside a text field, a
 * select or an editable element, never with Ctrl/⌘/Alt (the browser's and the admin's own keys),
 * and `?` lists them in a dialog.
 */
import { Button } from '@payloadcms/ui'
import type React from 'react'
import { useEffect, useRef, useState } from 'react'

import { useLatest } from './hooks'

export type Shortcut = {
  /** `KeyboardEvent.key` values that trigger it (`j`, `ArrowDown`, `?`). */
  keys: string[]
  /** As the help lists it. */
  label: string
  run: () => void
  /** Only then (otherwise the key does what it would have done). */
  when?: () => boolean
}

/** Whether a key press belongs to what the reader is typing in. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  const type = (target as HTMLInputElement).type
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color'].includes(type)
}

const KEY_NAMES: Record<string, string> = {
  ArrowDown: '↓',
  ArrowUp: '↑',
  ArrowLeft: '←',
  ArrowRight: '→',
  Enter: 'Enter',
  Escape: 'Esc',
  Home: 'Home',
  End: 'End',
}

/** Listens for `shortcuts` while mounted; returns the help dialog to render (opened with `?`). */
export function useShortcuts(shortcuts: Shortcut[], title: string): React.ReactNode {
  const [helpOpen, setHelpOpen] = useState(false)
  const latest = useLatest(shortcuts)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
      if (isTyping(event.target)) return
      if (event.key === '?') {
        event.preventDefault()
        setHelpOpen((open) => !open)
        return
      }
      const shortcut = latest.current.find(
        (candidate) => candidate.keys.includes(event.key) && (!candidate.when || candidate.when()),
      )
      if (!shortcut) return
      event.preventDefault()
      shortcut.run()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [latest])
  return helpOpen ? <ShortcutsHelp onClose={() => setHelpOpen(false)} shortcuts={shortcuts} title={title} /> : null
}

function ShortcutsHelp({ shortcuts, title, onClose }: { shortcuts: Shortcut[]; title: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const element = dialog.current
    if (element && !element.open) element.showModal()
  }, [])
  return (
    <dialog
      aria-labelledby="billie-shortcuts-title"
      className="billie-shortcuts"
      onClick={(event) => event.target === dialog.current && onClose()}
      onClose={onClose}
      ref={dialog}
    >
      <h2 id="billie-shortcuts-title">{title}</h2>
      <dl className="billie-shortcuts__list">
        {[...shortcuts, { keys: ['?'], label: 'Show or hide these shortcuts', run: () => undefined }].map(
          (shortcut) => (
            <div key={shortcut.label}>
              <dt>
                {shortcut.keys.map((key) => (
                  <kbd key={key}>{KEY_NAMES[key] ?? key}</kbd>
                ))}
              </dt>
              <dd>{shortcut.label}</dd>
            </div>
          ),
        )}
      </dl>
      <Button buttonStyle="secondary" margin={false} onClick={onClose} size="small">
        Close
      </Button>
    </dialog>
  )
}
