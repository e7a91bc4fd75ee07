'use client'
import { Button, useAuth, useConfig } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import type React from 'react'
import { useEffect, useState } from 'react'

import type { ListFilters } from '@/board/types'
import { listViews, saveView, type ViewSummary } from './savedViews'

type Props = {
  filters: ListFilters
  /** The view the board shows, while its filters are unchanged. */
  current: ViewSummary | null
  onOpen: (view: ViewSummary) => void
  onError: (message: string) => void
}

/** The board's saved views: open one (mine and shared), or save the current filters by name. */
export function SavedViewsMenu({ filters, current, onOpen, onError }: Props) {
  const {
    config: {
      routes: { admin: adminRoute, api },
    },
  } = useConfig()
  const { user } = useAuth()
  const [views, setViews] = useState<ViewSummary[]>([])
  const [saving, setSaving] = useState<{ name: string; shared: boolean; busy: boolean } | null>(null)

  useEffect(() => {
    listViews(api, user?.id)
      .then(setViews)
      .catch((cause: Error) => onError(cause.message))
  }, [api, user?.id, onError])

  const save = (event: React.FormEvent) => {
    event.preventDefault()
    if (!saving?.name.trim()) return
    setSaving({ ...saving, busy: true })
    saveView(api, user?.id, { name: saving.name.trim(), shared: saving.shared, filters })
      .then((view) => {
        setViews((existing) => [...existing, view].sort((a, b) => a.name.localeCompare(b.name)))
        setSaving(null)
        onOpen(view)
      })
      .catch((cause: Error) => {
        setSaving((state) => state && { ...state, busy: false })
        onError(cause.message)
      })
  }

  const manage = formatAdminURL({ adminRoute, path: '/collections/saved-views' })
  return (
    <div className="billie-views">
      <label className="billie-views__pick">
        <span>View</span>
        <select
          aria-label="Saved view"
          onChange={(event) => {
            const view = views.find((candidate) => String(candidate.id) === event.target.value)
            if (view) onOpen(view)
          }}
          value={current ? String(current.id) : ''}
        >
          <option value="">{current ? '—' : 'Unsaved filters'}</option>
          {views.map((view) => (
            <option key={view.id} value={String(view.id)}>
              {view.name}
              {view.shared ? (view.mine ? ' (shared)' : ' (shared with you)') : ''}
            </option>
          ))}
        </select>
      </label>
      {saving ? (
        <form aria-label="Save view" className="billie-views__form" onSubmit={save}>
          <input
            aria-label="View name"
            autoFocus
            maxLength={80}
            onChange={(event) => setSaving({ ...saving, name: event.target.value })}
            placeholder="Name this view"
            value={saving.name}
          />
          <label className="billie-views__shared">
            <input
              checked={saving.shared}
              onChange={(event) => setSaving({ ...saving, shared: event.target.checked })}
              type="checkbox"
            />
            Share with everyone
          </label>
          <Button
            buttonStyle="primary"
            disabled={saving.busy || !saving.name.trim()}
            margin={false}
            size="small"
            type="submit"
          >
            Save
          </Button>
          <Button buttonStyle="secondary" margin={false} onClick={() => setSaving(null)} size="small">
            Cancel
          </Button>
        </form>
      ) : (
        <>
          <Button
            buttonStyle="secondary"
            margin={false}
            onClick={() => setSaving({ name: '', shared: false, busy: false })}
            size="small"
          >
            Save view
          </Button>
          <a className="billie-views__manage" href={manage}>
            Manage
          </a>
        </>
      )}
    </div>
  )
}
