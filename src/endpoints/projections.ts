/**
 * Verify and rebuild from the admin panel, for admins only (Payload endpoints):
 *
 *   GET  /api/projections                    each projection: versions, the running or last job, and
 *                                            what a job would touch (events, stored records)
 *   POST /api/projections/:name/verify       { confirmed: true } starts a verify; 202 with the job's id
 *   POST /api/projections/:name/rebuild      { confirmed: true } starts a rebuild; 202 with the job's id
 *   POST /api/projections/:name/control      { action: 'pause' | 'resume' | 'cancel' }
 *
 * A job runs in a process of its own (never in this one: it outlives the request, and a deploy of
 * the app) and reports its progress in Redis, where every instance (and `pnpm projections
 * status`) sees it; one job per projection at a time across the deployment, and none from code
 * older than the stored projection (409 otherwise). Errors are JSON `{ message }`.
 */
import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'
import { z } from 'zod'

import { hasRole } from '@/access/roles'
import { appRedis } from '@/lib/redis'
import { recordAudit } from '@/ops/audit'
import { isProjectionName, PROJECTION_NAMES, PROJECTIONS } from '@/projections'
import { controlJob } from '@/rebuild'
import { JobRefused, startJobProcess } from '@/rebuild/jobProcess'
import { jobPlan, projectionStatuses } from '@/rebuild/status'
import { chatLedgerStream } from '@/lib/stream'

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store' } })
const refuse = (status: number, message: string) => json(status, { message })

/** Admins only: anonymous 401, anyone else 403. */
const adminOf = (req: PayloadRequest) =>
  !req.user
    ? refuse(401, 'Log in as an admin to verify or rebuild projections.')
    : !hasRole(req.user, 'admin')
      ? refuse(403, 'Only admins may verify or rebuild projections.')
      : undefined

async function bodyOf(req: PayloadRequest): Promise<unknown> {
  try {
    return await req.json?.()
  } catch {
    return undefined
  }
}

const unknownProjection = (name: string) =>
  refuse(404, `There is no projection named “${name}”: choose ${PROJECTION_NAMES.join(' or ')}.`)

const Confirmed = z.object({ confirmed: z.literal(true, { error: 'confirm the job: send { "confirmed": true }' }) })
const Control = z.object({ action: z.enum(['pause', 'resume', 'cancel']) })

const list: PayloadHandler = async (req) => {
  const refused = adminOf(req)
  if (refused) return refused
  const redis = appRedis(req.payload.logger)
  const statuses = await projectionStatuses(redis)
  const projections = await Promise.all(
    statuses.map(async (status) => ({ ...status, plan: await jobPlan(req.payload, redis, status.name) })),
  )
  return json(200, { projections })
}

/** Starts a verify or rebuild in a process of its own (src/rebuild/jobProcess.ts); answers once it holds the lock. */
const start =
  (job: 'verify' | 'rebuild'): PayloadHandler =>
  async (req) => {
    const refused = adminOf(req)
    if (refused) return refused
    const name = String(req.routeParams?.name ?? '')
    if (!isProjectionName(name)) return unknownProjection(name)
    const confirmed = Confirmed.safeParse(await bodyOf(req))
    if (!confirmed.success) return refuse(400, confirmed.error.issues.map((issue) => issue.message).join('; '))
    const { payload, user } = req
    const redis = appRedis(payload.logger)
    try {
      const started = await startJobProcess(redis, job, name, {
        by: `admin:${user!.email ?? user!.id}`,
        userId: user!.id,
      })
      payload.logger.info({ projection: name, job, jobPid: started.pid, log: started.log }, `${job} of ${name} started`)
      return json(202, { id: started.id, job, projection: name })
    } catch (error) {
      if (error instanceof JobRefused) return refuse(409, error.message)
      payload.logger.error({ err: error, projection: name }, `${job} could not start`)
      return refuse(503, `The ${job} could not start: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

const control: PayloadHandler = async (req) => {
  const refused = adminOf(req)
  if (refused) return refused
  const name = String(req.routeParams?.name ?? '')
  if (!isProjectionName(name)) return unknownProjection(name)
  const parsed = Control.safeParse(await bodyOf(req))
  if (!parsed.success) return refuse(400, 'send { "action": "pause" | "resume" | "cancel" }')
  const { action } = parsed.data
  const audit = (result: 'succeeded' | 'failed', detail?: Record<string, unknown>) =>
    recordAudit(req.payload, { action: `projection.${action}`, target: name, result, detail }, { user: req.user, req })
  try {
    await controlJob(appRedis(req.payload.logger), chatLedgerStream(), PROJECTIONS[name].group, action)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await audit('failed', { error: message })
    return refuse(409, message)
  }
  await audit('succeeded')
  return json(200, { action, projection: name })
}

export const projectionEndpoints: Endpoint[] = [
  { path: '/projections', method: 'get', handler: list },
  { path: '/projections/:name/verify', method: 'post', handler: start('verify') },
  { path: '/projections/:name/rebuild', method: 'post', handler: start('rebuild') },
  { path: '/projections/:name/control', method: 'post', handler: control },
]
