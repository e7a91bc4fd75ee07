/**
 * `pnpm projections <command> …`: verify, rebuild and replay projections from chatLedger, and see
 * how they stand.
 *
 *   verify <name>                            fold the stream, compare with what is stored; exit 1 on drift
 *   rebuild <name> [--yes] [--restart]       rewrite what differs, while the projection stays live;
 *                                            after a killed rebuild, resumes from its checkpoint
 *                                            (--restart: from the beginning)
 *   replay <name> --from <id|ISO> [--to …] [--conversation <cid>]   project a range again (idempotent)
 *   status [name]                            versions, and the running or last job
 *   pause|resume|cancel <name>               control the running job
 *   agree                                    whether the dashboard and the portal agree on shared facts
 *
 * <name> is a projection (dashboard, portal). Settings from the environment, as the worker's.
 */
import 'dotenv/config'

import os from 'node:os'
import readline from 'node:readline/promises'
import { parseArgs } from 'node:util'

import { SingleBar } from 'cli-progress'
import { getPayload, type TypedUser } from 'payload'

import { createRedis, describeRedisUrl, redisUrl } from '../lib/redis'
import { compareProjections } from '../ops/agreement'
import config from '../payload.config'
import { isProjectionName, PROJECTION_NAMES, type ProjectionName, PROJECTIONS } from '../projections'
import { CodeIsOlder, controlJob, JobAlreadyRunning, runJob } from '../rebuild'
import { REFUSED_EXIT } from '../rebuild/jobProcess'
import { type JobRun, olderCodeReason, rebuildReason } from '../rebuild/control'
import { phaseWork } from '../rebuild/progress'
import { jobPlan, projectionStatus } from '../rebuild/status'
import { chatLedgerStream } from '../lib/stream'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    yes: { type: 'boolean', default: false },
    from: { type: 'string' },
    to: { type: 'string' },
    conversation: { type: 'string' },
    by: { type: 'string' },
    user: { type: 'string' },
    json: { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
  },
})
const [command, name] = positionals
const by = values.by ?? `cli:${os.userInfo().username}@${os.hostname()}`

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

const projectionArg = (): ProjectionName => {
  if (!name || !isProjectionName(name)) fail(`name a projection: ${PROJECTION_NAMES.join(', ')}`)
  return name
}

/** A progress bar that follows the job's own progress: its phase's work, and the job's own ETA. */
function follow(run: JobRun): () => void {
  if (!process.stderr.isTTY || values.json) return () => undefined
  const bar = new SingleBar({
    format: ' {phase} |{bar}| {value}/{total} {unit} · {written} written · {rate} events/s · ETA {eta_text}',
    stream: process.stderr,
    hideCursor: true,
  })
  bar.start(1, 0, { phase: 'reading', unit: 'events', written: 0, rate: 0, eta_text: '…' })
  const timer = setInterval(() => {
    const { progress } = run
    const { done, total, of } = phaseWork(progress)
    bar.setTotal(Math.max(total, 1))
    bar.update(done, {
      phase: progress.phase.padEnd(11),
      unit: of,
      written: progress.written,
      rate: progress.eventsPerSecond,
      eta_text: progress.etaSeconds === null ? '…' : `${progress.etaSeconds}s`,
    })
  }, 250)
  return () => {
    clearInterval(timer)
    bar.stop()
  }
}

async function confirm(question: string): Promise<boolean> {
  if (values.yes) return true
  if (!process.stdin.isTTY) fail(`${question}\nNot asking without a terminal: pass --yes to go ahead.`)
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr })
  const answer = await prompt.question(`${question} [y/N] `)
  prompt.close()
  return /^y(es)?$/i.test(answer.trim())
}

async function main(): Promise<number> {
  if (!command) fail('usage: pnpm projections verify|rebuild|replay|status|pause|resume|cancel|agree [name] …')
  // A command line gives up on Redis quickly, saying where it looked, rather than retrying forever.
  const redis = createRedis(redisUrl(), {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => (attempt > 3 ? null : 200),
  })
  let lastError = ''
  redis.on('error', (error: Error) => (lastError = error.message))
  const stream = chatLedgerStream()
  try {
    await redis
      .ping()
      .catch(() =>
        fail(
          `Cannot reach Redis at ${describeRedisUrl(redisUrl())} (${lastError || 'no answer'}): is REDIS_URL right?`,
        ),
      )
    if (command === 'pause' || command === 'resume' || command === 'cancel') {
      await controlJob(redis, stream, PROJECTIONS[projectionArg()].group, command)
      console.log(`${command} asked of the running job`)
      return 0
    }
    if (command === 'status') {
      for (const projection of name ? [projectionArg()] : PROJECTION_NAMES) {
        const {
          version,
          storedVersion: stored,
          rebuildNeeded,
          codeOlder,
          job,
        } = await projectionStatus(redis, projection)
        const due = rebuildNeeded
          ? `rebuild needed (${rebuildReason(version, stored)})`
          : codeOlder
            ? `${olderCodeReason(version, stored)} (it projects new events; rebuild and replay refused)`
            : stored === null
              ? 'no stored version yet (nothing projected)'
              : 'current'
        console.log(`${projection}: code version ${version}, ${due}`)
        if (job) {
          const paused = job.state === 'paused' && job.pausedAt ? `, paused since ${job.pausedAt}` : ''
          console.log(`  last job: ${job.job} ${job.state} (${job.phase})${paused}, ${job.updatedAt}`)
          if (job.resumed) console.log(`  ${job.resumed}`)
        }
      }
      return 0
    }

    const payload = await getPayload({ config })
    payload.logger.level = 'warn'
    try {
      if (command === 'agree') {
        const agreement = await compareProjections(payload)
        console.log(JSON.stringify(agreement, null, 2))
        return agreement.disagreeing.length ? 1 : 0
      }
      if (command !== 'verify' && command !== 'rebuild' && command !== 'replay') fail(`unknown command ${command}`)
      const projection = projectionArg()
      if (command === 'rebuild') {
        const { events, records } = await jobPlan(payload, redis, projection)
        const ok = await confirm(
          `Rebuild ${projection}: read ${events.toLocaleString('en')} events and compare ` +
            `${records.toLocaleString('en')} stored records; each one that differs is rewritten in one write ` +
            'while the projection stays live. Go ahead?',
        )
        if (!ok) {
          console.log('Nothing done.')
          return 1
        }
      }
      let stop = () => {}
      // (--user: the id of the admin who asked, when a job process runs for them: the audit log links them)
      const userId = values.user && /^\d+$/.test(values.user) ? Number(values.user) : values.user
      const user = userId === undefined ? undefined : { id: userId as TypedUser['id'], email: by }
      const result = await runJob(payload, redis, command, projection, {
        by,
        user,
        from: values.from,
        to: values.to,
        conversation: values.conversation,
        restart: values.restart,
        onStart: (run) => {
          if (run.progress.resumed) console.error(`${projection}: ${run.progress.resumed}`)
          stop = follow(run)
        },
      }).finally(() => stop())
      if (result.job === 'verify') {
        console.log(JSON.stringify(result.drift, null, values.json ? 0 : 2))
        if (!values.json) console.log(result.drifted ? `${projection}: DRIFT (see above)` : `${projection}: no drift`)
        return result.drifted ? 1 : 0
      }
      console.log(JSON.stringify(result.report, null, values.json ? 0 : 2))
      return 0
    } finally {
      await payload.destroy().catch(() => undefined)
    }
  } finally {
    redis.disconnect()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(error instanceof JobAlreadyRunning || error instanceof CodeIsOlder ? REFUSED_EXIT : 2)
  },
)
