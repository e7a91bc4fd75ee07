/**
 * The dead-letter console's endpoints, for admins only (supervisors 403, anonymous 401):
 *
 *   GET  /api/ops/dead-letters/groups                       failure groups, largest first
 *   GET  /api/ops/dead-letters?projection=&fingerprint=&page=&limit=   a group's page, newest first
 *   GET  /api/ops/dead-letters?projection=&before=&limit=   every dead letter, newest first, by cursor
 *   GET  /api/ops/dead-letters/:projection/:id              one dead letter, `dat` pretty-printed
 *   GET  /api/ops/dead-letters/archive?projection=          the newest discarded dead letters
 *   POST /api/ops/dead-letters/retry    { projection, ids } or { projection, fingerprint, confirm }
 *   POST /api/ops/dead-letters/discard  the same, and { why }
 *
 * A group action carries the count the admin confirmed: when the group holds another number by
 * then, nothing is done (409) and the answer says how many it holds now. Every action is recorded
 * in the audit log. Errors are JSON `{ message }`.
 */
import type { Endpoint, PayloadRequest } from 'payload'
import { z } from 'zod'

import { PROJECTION_NAMES } from '@/projections'
import { refuse, refuseUnlessAdmin } from '@/ops/access'
import { recordAudit } from '@/ops/audit'
import {
  type ActionOutcome,
  deadLetterDetail,
  discardDeadLetters,
  groupIds,
  listGroupLetters,
  listGroups,
  listLetters,
  readArchive,
  retryDeadLetters,
} from '@/ops/deadLetters'
import { opsRedis } from '@/ops/redis'

const Projection = z.enum(PROJECTION_NAMES as [string, ...string[]]).transform((name) => name as 'dashboard')
const DeadLetterId = z.string().regex(/^\d+-\d+$/, 'a dead letter id (<ms>-<seq>)')
const Fingerprint = z.string().regex(/^[0-9a-f]{12}$/, 'a fingerprint (12 hex digits)')

const ListQuery = z.object({
  projection: Projection.default('dashboard'),
  fingerprint: Fingerprint.optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: DeadLetterId.optional(),
})

/** Which dead letters an action takes: listed by id, or every one of a failure group (confirming its size). */
const DeadLetterSelection = z.union([
  z.object({ projection: Projection, ids: z.array(DeadLetterId).min(1).max(1_000) }),
  z.object({ projection: Projection, fingerprint: Fingerprint, confirm: z.number().int().min(1) }),
])
const DiscardBody = z.intersection(DeadLetterSelection, z.object({ why: z.string().trim().min(3).max(500) }))

const describeZod = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')

const queryOf = (req: PayloadRequest) => Object.fromEntries(req.searchParams?.entries() ?? [])

async function bodyOf(req: PayloadRequest): Promise<unknown> {
  try {
    return req.json ? await req.json() : undefined
  } catch {
    return undefined
  }
}

const guarded =
  (handler: (req: PayloadRequest) => Promise<Response>) =>
  async (req: PayloadRequest): Promise<Response> => {
    const refused = refuseUnlessAdmin(req)
    if (refused) return refused
    try {
      return await handler(req)
    } catch (error) {
      if (error instanceof z.ZodError) return refuse(400, describeZod(error))
      req.payload.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'dead-letter console')
      return refuse(503, 'Redis or the database did not answer: try again in a moment.')
    }
  }

const groups: Endpoint = {
  path: '/ops/dead-letters/groups',
  method: 'get',
  handler: guarded(async (req) => {
    const projection = queryOf(req).projection ? Projection.parse(queryOf(req).projection) : undefined
    const found = await listGroups(opsRedis(req.payload.logger), projection)
    return Response.json({ groups: found, total: found.reduce((sum, group) => sum + group.count, 0) })
  }),
}

const list: Endpoint = {
  path: '/ops/dead-letters',
  method: 'get',
  handler: guarded(async (req) => {
    const query = ListQuery.parse(queryOf(req))
    const redis = opsRedis(req.payload.logger)
    if (query.fingerprint)
      return Response.json(await listGroupLetters(redis, query.projection, query.fingerprint, query))
    return Response.json(await listLetters(redis, query.projection, query))
  }),
}

const archive: Endpoint = {
  path: '/ops/dead-letters/archive',
  method: 'get',
  handler: guarded(async (req) => {
    const projection = Projection.parse(queryOf(req).projection ?? 'dashboard')
    return Response.json({ archived: await readArchive(opsRedis(req.payload.logger), projection) })
  }),
}

const detail: Endpoint = {
  path: '/ops/dead-letters/:projection/:id',
  method: 'get',
  handler: guarded(async (req) => {
    const projection = Projection.parse(req.routeParams?.projection)
    const id = DeadLetterId.parse(req.routeParams?.id)
    const letter = await deadLetterDetail(opsRedis(req.payload.logger), projection, id)
    if (!letter) return refuse(404, `no dead letter ${id} in ${projection}: retried or discarded already?`)
    return Response.json(letter)
  }),
}

const resultOf = (outcome: ActionOutcome) =>
  outcome.done === outcome.requested ? 'succeeded' : outcome.done === 0 ? 'failed' : 'partial'

/** The ids a target names; a group's only when it still holds the count confirmed (else a 409). */
async function idsOf(req: PayloadRequest, target: z.infer<typeof DeadLetterSelection>): Promise<string[] | Response> {
  if ('ids' in target) return target.ids
  const ids = await groupIds(opsRedis(req.payload.logger), target.projection, target.fingerprint)
  if (ids.length !== target.confirm)
    return Response.json(
      {
        message: `the group holds ${ids.length} dead letters now, not ${target.confirm}: look again and confirm`,
        count: ids.length,
      },
      { status: 409 },
    )
  return ids
}

function action(kind: 'retry' | 'discard'): Endpoint {
  return {
    path: `/ops/dead-letters/${kind}`,
    method: 'post',
    handler: guarded(async (req) => {
      const body = (kind === 'retry' ? DeadLetterSelection : DiscardBody).parse(await bodyOf(req))
      const ids = await idsOf(req, body)
      if (ids instanceof Response) return ids
      const redis = opsRedis(req.payload.logger)
      const user = req.user!
      const why = 'why' in body ? (body.why as string) : undefined
      const outcome =
        kind === 'retry'
          ? await retryDeadLetters(req.payload, redis, body.projection, ids)
          : await discardDeadLetters(redis, body.projection, ids, { by: user.email, why: why! })
      const target =
        'fingerprint' in body ? `${body.projection} group ${body.fingerprint}` : `${body.projection} ${ids.join(', ')}`
      await recordAudit(
        req.payload,
        {
          action: `dead-letter.${kind}`,
          target: target.length > 300 ? `${target.slice(0, 300)}…` : target,
          result: resultOf(outcome),
          detail: {
            projection: body.projection,
            ...('fingerprint' in body ? { fingerprint: body.fingerprint } : {}),
            ...(why ? { why } : {}),
            requested: outcome.requested,
            done: outcome.done,
            missing: outcome.missing,
            failed: outcome.failed.slice(0, 20),
            ...(outcome.outage ? { outage: outcome.outage } : {}),
            ids: ids.slice(0, 50),
          },
        },
        { user },
      )
      return Response.json(outcome, { status: outcome.outage && outcome.done === 0 ? 503 : 200 })
    }),
  }
}

export const deadLetterEndpoints: Endpoint[] = [groups, archive, list, detail, action('retry'), action('discard')]
