/**
 * The one way into the audit log (collection `audit-log`, which nobody can write through the API):
 * operations actions record who did what to what, and how it went.
 */
import type { Payload, PayloadRequest, TypedUser } from 'payload'

import type { AuditResult } from '@/collections/AuditLog'

export type AuditEntry = {
  /** Dotted verb: `dead-letter.retry`, `dead-letter.discard`, `projection.rebuild`, … */
  action: string
  /** What it acted on: a dead letter, a group, a projection. */
  target?: string
  result: AuditResult
  /** Counts, ids, reasons, errors: anything that says exactly what happened. */
  detail?: Record<string, unknown>
}

type Who = { user?: Pick<TypedUser, 'id' | 'email'> | null; actor?: string; req?: PayloadRequest }

/** Records one entry; `user` (a person) or `actor` (a process, e.g. `cli:ops@host`) says who. */
export async function recordAudit(payload: Payload, entry: AuditEntry, { user, actor, req }: Who) {
  return payload.create({
    collection: 'audit-log',
    overrideAccess: true,
    depth: 0,
    req,
    data: {
      ...entry,
      user: user?.id,
      actor: actor ?? user?.email ?? 'unknown',
    },
  })
}
