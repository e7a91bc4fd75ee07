import React from 'react'

/** A titled box beside the transcript, styled like the admin's own panels. */
export function Panel({
  title,
  children,
  aside,
  id,
}: {
  title: string
  children: React.ReactNode
  aside?: React.ReactNode
  id?: string
}) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} className="billie-panel" id={id}>
      <header className="billie-panel__header">
        <h2 className="billie-panel__title" id={id ? `${id}-title` : undefined}>
          {title}
        </h2>
        {aside}
      </header>
      <div className="billie-panel__body">{children}</div>
    </section>
  )
}

/** Label/value rows; values are text. */
export function Facts({ rows }: { rows: Array<[string, React.ReactNode] | false | null | undefined> }) {
  const shown = rows.filter((row): row is [string, React.ReactNode] => Boolean(row))
  return (
    <dl className="billie-facts">
      {shown.map(([label, value]) => (
        <div className="billie-facts__row" key={label}>
          <dt>{label}</dt>
          <dd>{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  )
}

/** A button that shows or hides more: the raw JSON, earlier versions, the rationale. */
export function Reveal({
  label,
  hideLabel,
  children,
}: {
  label: string
  hideLabel?: string
  children: React.ReactNode
}) {
  const [open, setOpen] = React.useState(false)
  return (
    <div className="billie-reveal">
      <button
        aria-expanded={open}
        className="billie-link-button"
        onClick={() => setOpen((shown) => !shown)}
        type="button"
      >
        {open ? (hideLabel ?? `Hide ${label.toLowerCase()}`) : label}
      </button>
      {open && <div className="billie-reveal__content">{children}</div>}
    </div>
  )
}
