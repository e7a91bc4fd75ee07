/**
 * The dead-letter console's actions (retry, discard), each confirmed by the admin first, and the
 * sentence that reports what came of it. Each resolves with that sentence, or undefined when the
 * admin changed their mind.
 */
import type { ActionOutcome, DeadLetterDetail, DeadLetterGroup } from '@/ops/deadLetters'

/** What an action answers: its outcome, or why it was refused (`message`). */
type Answer = ActionOutcome | { message: string }

async function post(path: string, body: object): Promise<Answer> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await res.json()) as Answer
}

const outcomeText = (verb: string, answer: Answer) => {
  if ('message' in answer) return answer.message
  const failed = answer.failed?.length ?? 0
  return [
    `${verb} ${answer.done} of ${answer.requested}`,
    failed ? `; ${failed} failed again (still dead letters)` : '',
    answer.missing ? `; ${answer.missing} already gone` : '',
    answer.outage ? `; stopped by an outage: ${answer.outage}` : '',
  ].join('')
}

const letters = (count: number) => `${count} dead letter${count === 1 ? '' : 's'}`

export async function retryGroup(group: DeadLetterGroup): Promise<string | undefined> {
  if (!window.confirm(`Retry ${letters(group.count)} of this group?`)) return undefined
  const { projection, fingerprint, count } = group
  return outcomeText('Retried', await post('/api/ops/dead-letters/retry', { projection, fingerprint, confirm: count }))
}

export async function discardGroup(group: DeadLetterGroup): Promise<string | undefined> {
  const why = window.prompt(`Discard ${letters(group.count)} of this group? Why:`)
  if (!why) return undefined
  const { projection, fingerprint, count } = group
  const answer = await post('/api/ops/dead-letters/discard', { projection, fingerprint, confirm: count, why })
  return outcomeText('Discarded', answer)
}

export async function retryOne(letter: DeadLetterDetail): Promise<string | undefined> {
  if (!window.confirm(`Retry 1 dead letter (entry ${letter.entryId})?`)) return undefined
  const answer = await post('/api/ops/dead-letters/retry', { projection: letter.projection, ids: [letter.id] })
  return outcomeText('Retried', answer)
}

export async function discardOne(letter: DeadLetterDetail): Promise<string | undefined> {
  const why = window.prompt(`Discard 1 dead letter (entry ${letter.entryId})? Why:`)
  if (!why) return undefined
  const answer = await post('/api/ops/dead-letters/discard', { projection: letter.projection, ids: [letter.id], why })
  return outcomeText('Discarded', answer)
}
