/**
 * A conversation as a printable HTML page: everything people and the assistant wrote is
 * escaped text; the page loads nothing and runs nothing.
 */
import type { ConversationExport } from './conversation'

const escape = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : String(value).replace(
        /[&<>"']/g,
        (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
      )

const table = (rows: Array<[string, unknown]>) =>
  `<table>${rows
    .map(([label, value]) => `<tr><th scope="row">${escape(label)}</th><td>${escape(value ?? '—')}</td></tr>`)
    .join('')}</table>`

const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; } th, td { text-align: left; vertical-align: top; padding: .2rem .75rem .2rem 0; }
.muted { color: #555; } .line { margin: .5rem 0; break-inside: avoid; } .who { font-weight: 600; }
.rationale { color: #555; font-size: 12px; margin-left: 1rem; white-space: pre-wrap; }
.text { white-space: pre-wrap; }
pre { white-space: pre-wrap; font-size: 11px; background: #f5f5f5; padding: .5rem; }
@media print { body { margin: 0; } a { color: inherit; } }
`

const seqOf = (seq: number | null | undefined) => (seq === null || seq === undefined ? '' : ` · #${escape(seq)}`)

export function printablePage(data: ConversationExport): string {
  const { conversation: c, application: a, customer, transcript, reviews, notes } = data
  const lines = transcript
    .map(
      (line) =>
        `<div class="line"><div><span class="who">${line.username === 'customer' ? 'Customer' : 'Billie'}</span> ` +
        `<span class="muted">${escape(line.timestamp)}${seqOf(line.seq)}</span></div>` +
        `<div class="text">${escape(line.utterance)}</div>` +
        (line.rationale ? `<div class="rationale">Rationale: ${escape(line.rationale)}</div>` : '') +
        '</div>',
    )
    .join('\n')
  const reviewRows = reviews
    .map(
      (review) =>
        `<li><strong>${escape(review.status)}</strong> — ${escape(review.reason)} <span class="muted">(flagged by ` +
        `${escape(review.flaggedByName)}${review.assigneeName ? `, assigned to ${escape(review.assigneeName)}` : ''}` +
        `${review.resolvedAt ? `, resolved by ${escape(review.resolvedByName)} ${escape(review.resolvedAt)}` : ''}` +
        ')</span></li>',
    )
    .join('\n')
  const noteRows = notes
    .map(
      (note) =>
        `<li><span class="who">${escape(note.authorName)}</span> <span class="muted">${escape(note.createdAt)}</span>` +
        `<div class="text">${escape(note.body)}</div></li>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Conversation ${escape(c.conversationId)}</title>
<style>${STYLE}</style></head><body>
<h1>${escape(c.customerName || 'Customer not known yet')}</h1>
<p class="muted">Conversation ${escape(c.conversationId)} · exported ${escape(data.exportedAt)}</p>
${table([
  ['Application', c.applicationNumber],
  ['Status', c.status],
  ['Decision', c.finalDecision],
  ['Started', c.startedAt],
  ['Decided', c.decidedAt],
  ['Messages', c.messageCount],
  ['Purpose', c.purpose],
])}
<h2>Application</h2>
${
  a
    ? table([
        ['Amount', a.loanAmount],
        ['Fee', a.loanFee],
        ['Total payable', a.loanTotalPayable],
        ['Term', a.loanTerm],
        ['Purpose', a.loanPurpose],
        ['Outcome', a.applicationOutcome],
      ])
    : '<p class="muted">No application recorded.</p>'
}
<h2>Customer</h2>
${
  customer
    ? table([
        ['Name', customer.fullName],
        ['Customer id', customer.customerId],
      ])
    : '<p class="muted">Not known.</p>'
}
<h2>Assessments</h2>
${a?.assessments ? json(a.assessments) : '<p class="muted">None yet.</p>'}
<h2>Transcript (${transcript.length} lines)</h2>
${lines || '<p class="muted">No messages.</p>'}
<h2>Reviews</h2>
${reviewRows ? `<ul>${reviewRows}</ul>` : '<p class="muted">Never flagged.</p>'}
<h2>Notes</h2>
${noteRows ? `<ul>${noteRows}</ul>` : '<p class="muted">No notes.</p>'}
</body></html>
`
}
