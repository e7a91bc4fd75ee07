'use client'
import { Button, useAuth, useConfig } from '@payloadcms/ui'
import React, { useCallback, useEffect, useState } from 'react'

import { Panel } from '../conversation/Panel.client'
import { LocalTime } from '../shared/LocalTime.client'
import type { ChangeMessage } from '@/projections/changes'

import { useRealtime } from '../shared/useRealtime'
import { type Assignee, callApi, type Note, type Review } from './types'
import './reviews.scss'

type Thread = { reviews: Review[]; notes: Note[] }

const byConversation = (conversationId: string) =>
  encodeURIComponent(JSON.stringify({ conversationId: { equals: conversationId } }))

/** Adds an item, or merges a change into the one with its id (messages carry the whole small review or note). */
function upsert<T extends { id: number | string }>(items: T[], doc: T): T[] {
  const index = items.findIndex((item) => String(item.id) === String(doc.id))
  if (index < 0) return [...items, doc]
  const next = [...items]
  next[index] = { ...next[index], ...doc }
  return next
}

const without = <T extends { id: number | string }>(items: T[], id: number | string): T[] =>
  items.filter((item) => String(item.id) !== String(id))

/**
 * Reviews and notes of one conversation, live: flag it with a reason, assign it, resolve it,
 * and a thread of notes. Everything people wrote is shown as text.
 */
export function ReviewsPanel({ conversationId }: { conversationId: string }) {
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const { user } = useAuth()
  const [thread, setThread] = useState<Thread>({ reviews: [], notes: [] })
  const [assignees, setAssignees] = useState<Assignee[]>([])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const reload = useCallback(() => {
    const where = byConversation(conversationId)
    Promise.all([
      callApi<{ docs: Review[] }>(`${api}/reviews?where=${where}&depth=0&limit=100&sort=createdAt`),
      callApi<{ docs: Note[] }>(`${api}/notes?where=${where}&depth=0&limit=500&sort=createdAt`),
    ])
      .then(([reviews, notes]) => setThread({ reviews: reviews.docs, notes: notes.docs }))
      .catch((cause: Error) => setError(`Reading reviews failed: ${cause.message}`))
  }, [api, conversationId])

  useEffect(() => {
    callApi<{ docs: Assignee[] }>(`${api}/reviews/assignees`)
      .then((result) => setAssignees(result.docs))
      .catch(() => setAssignees([]))
  }, [api])

  const onChange = useCallback((change: ChangeMessage) => {
    setThread((current) => {
      switch (change.collection) {
        case 'reviews':
          return {
            ...current,
            reviews:
              change.operation === 'delete' ? without(current.reviews, change.id) : upsert(current.reviews, change.doc),
          }
        case 'notes':
          return {
            ...current,
            notes:
              change.operation === 'delete' ? without(current.notes, change.id) : upsert(current.notes, change.doc),
          }
        default:
          return current
      }
    })
  }, [])
  useRealtime(
    { onChange, onResync: reload },
    `?collection=reviews,notes&conversation=${encodeURIComponent(conversationId)}`,
  )

  const act = async (run: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await run()
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause))
    } finally {
      setBusy(false)
    }
  }
  const save = (method: 'POST' | 'PATCH', path: string, body: object) =>
    act(async () => {
      const { doc } = await callApi<{ doc: Review | Note }>(`${api}/${path}`, { method, body: JSON.stringify(body) })
      const key = path.startsWith('reviews') ? 'reviews' : 'notes'
      setThread((current) =>
        key === 'reviews'
          ? { ...current, reviews: upsert(current.reviews, doc as Review) }
          : { ...current, notes: upsert(current.notes, doc as Note) },
      )
    })

  const open = thread.reviews.find((review) => review.status === 'open')
  const resolved = thread.reviews.filter((review) => review.status === 'resolved').reverse()
  const me = user?.id
  const admin = (user as { role?: string } | null)?.role === 'admin'
  const mayChange = open && (admin || String(open.flaggedBy) === String(me) || String(open.assignee) === String(me))

  return (
    <Panel
      aside={open ? <span className="billie-review-state billie-review-state--open">Open</span> : undefined}
      id="billie-reviews"
      title="Review and notes"
    >
      {error && (
        <p className="billie-review__error" role="alert">
          {error}
        </p>
      )}
      {open ? (
        <div className="billie-review" data-review-id={open.id}>
          <p className="billie-review__reason">{open.reason}</p>
          <p className="billie-review__who">
            Flagged by {open.flaggedByName ?? 'a supervisor'}
            {open.createdAt && (
              <>
                {' '}
                · <LocalTime iso={open.createdAt} />
              </>
            )}
          </p>
          <label className="billie-review__assign">
            <span>Assigned to</span>
            <select
              aria-label="Assigned to"
              disabled={busy || !mayChange}
              onChange={(event) =>
                save('PATCH', `reviews/${open.id}`, {
                  assignee: event.target.value ? Number(event.target.value) || event.target.value : null,
                })
              }
              value={open.assignee === null || open.assignee === undefined ? '' : String(open.assignee)}
            >
              <option value="">Nobody yet</option>
              {assignees.map((assignee) => (
                <option key={assignee.id} value={String(assignee.id)}>
                  {assignee.name}
                </option>
              ))}
            </select>
          </label>
          <div className="billie-review__actions">
            {me !== undefined && String(open.assignee) !== String(me) && (
              <Button
                buttonStyle="secondary"
                disabled={busy}
                onClick={() => save('PATCH', `reviews/${open.id}`, { assignee: me })}
                size="small"
              >
                Assign to me
              </Button>
            )}
            {mayChange && (
              <Button
                disabled={busy}
                onClick={() => save('PATCH', `reviews/${open.id}`, { status: 'resolved' })}
                size="small"
              >
                Resolve
              </Button>
            )}
          </div>
        </div>
      ) : (
        <FlagForm busy={busy} onFlag={(reason) => save('POST', 'reviews', { conversationId, reason, assignee: me })} />
      )}
      {resolved.length > 0 && (
        <ul className="billie-review__history">
          {resolved.map((review) => (
            <li key={review.id}>
              Resolved by {review.resolvedByName ?? 'a supervisor'}
              {review.resolvedAt && (
                <>
                  {' '}
                  · <LocalTime iso={review.resolvedAt} />
                </>
              )}
              : <span className="billie-review__past-reason">{review.reason}</span>
            </li>
          ))}
        </ul>
      )}
      <NotesThread
        busy={busy}
        me={me}
        notes={thread.notes}
        onAdd={(body) => save('POST', 'notes', { conversationId, body })}
        onEdit={(id, body) => save('PATCH', `notes/${id}`, { body })}
      />
    </Panel>
  )
}

function FlagForm({ busy, onFlag }: { busy: boolean; onFlag: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('')
  return (
    <form
      className="billie-review__form"
      onSubmit={(event) => {
        event.preventDefault()
        if (reason.trim()) void onFlag(reason.trim()).then(() => setReason(''))
      }}
    >
      <label className="billie-review__label" htmlFor="billie-review-reason">
        Flag for review
      </label>
      <textarea
        className="billie-textarea"
        id="billie-review-reason"
        maxLength={2000}
        onChange={(event) => setReason(event.target.value)}
        placeholder="Why does this conversation need a second look?"
        rows={2}
        value={reason}
      />
      <Button disabled={busy || !reason.trim()} size="small" type="submit">
        Flag for review
      </Button>
    </form>
  )
}

function NotesThread({
  notes,
  me,
  busy,
  onAdd,
  onEdit,
}: {
  notes: Note[]
  me: number | string | undefined
  busy: boolean
  onAdd: (body: string) => Promise<void>
  onEdit: (id: number | string, body: string) => Promise<void>
}) {
  const [body, setBody] = useState('')
  const [editing, setEditing] = useState<{ id: number | string; body: string } | null>(null)
  const sorted = [...notes].sort((a, b) => String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')))
  return (
    <div className="billie-notes">
      <h3 className="billie-notes__title">Notes</h3>
      {sorted.length === 0 ? (
        <p className="billie-notes__empty">No notes yet.</p>
      ) : (
        <ol className="billie-notes__list">
          {sorted.map((note) => (
            <li className="billie-note" data-note-id={note.id} key={note.id}>
              <div className="billie-note__head">
                <strong>{note.authorName ?? 'A supervisor'}</strong>
                {note.createdAt && <LocalTime iso={note.createdAt} />}
                {note.updatedAt && note.createdAt && note.updatedAt !== note.createdAt && (
                  <span className="billie-note__edited">edited</span>
                )}
                {String(note.author) === String(me) && editing?.id !== note.id && (
                  <button
                    className="billie-link-button"
                    onClick={() => setEditing({ id: note.id, body: note.body })}
                    type="button"
                  >
                    Edit
                  </button>
                )}
              </div>
              {editing?.id === note.id ? (
                <form
                  className="billie-note__edit"
                  onSubmit={(event) => {
                    event.preventDefault()
                    void onEdit(note.id, editing.body.trim()).then(() => setEditing(null))
                  }}
                >
                  <textarea
                    aria-label="Edit note"
                    className="billie-textarea"
                    maxLength={5000}
                    onChange={(event) => setEditing({ id: note.id, body: event.target.value })}
                    rows={2}
                    value={editing.body}
                  />
                  <div className="billie-review__actions">
                    <Button disabled={busy || !editing.body.trim()} size="small" type="submit">
                      Save
                    </Button>
                    <Button buttonStyle="secondary" onClick={() => setEditing(null)} size="small">
                      Cancel
                    </Button>
                  </div>
                </form>
              ) : (
                <p className="billie-note__body">{note.body}</p>
              )}
            </li>
          ))}
        </ol>
      )}
      <form
        className="billie-review__form"
        onSubmit={(event) => {
          event.preventDefault()
          if (body.trim()) void onAdd(body.trim()).then(() => setBody(''))
        }}
      >
        <textarea
          aria-label="New note"
          className="billie-textarea"
          maxLength={5000}
          onChange={(event) => setBody(event.target.value)}
          placeholder="Add a note for the other supervisors"
          rows={2}
          value={body}
        />
        <Button buttonStyle="secondary" disabled={busy || !body.trim()} size="small" type="submit">
          Add note
        </Button>
      </form>
    </div>
  )
}
