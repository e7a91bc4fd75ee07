/** The slice of autocannon (no bundled types) the bench uses. */
declare module 'autocannon' {
  type Options = {
    url: string
    connections?: number
    overallRate?: number
    duration?: number
    requests?: Array<Record<string, unknown>>
  }
  type Result = { non2xx: number; errors: number; timeouts: number; requests: { total: number } }
  type Instance = PromiseLike<Result> & {
    on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void
  }
  export default function autocannon(options: Options): Instance
}
