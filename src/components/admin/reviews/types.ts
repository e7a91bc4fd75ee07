import type { NoteLine, ReviewCard } from '@/projections/changes'

export type Review = ReviewCard
export type Note = NoteLine
export type Assignee = { id: number | string; name: string }

/** Reads JSON from Payload's REST API as the logged-in user; a refusal's message becomes the error. */
export async function callApi<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, {
    credentials: 'same-origin',
    ...init,
    headers: { accept: 'application/json', 'content-type': 'application/json', ...init.headers },
  })
  const body = (await response.json().catch(() => ({}))) as { message?: string; errors?: Array<{ message: string }> }
  if (!response.ok) {
    throw new Error(body.errors?.[0]?.message ?? body.message ?? `The server answered ${response.status}`)
  }
  return body as T
}
