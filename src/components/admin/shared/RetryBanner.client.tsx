'use client'
import { Banner } from '@payloadcms/ui'

/** A load error, with a button that clears it and tries again. */
export function RetryBanner({ error, onRetry }: { error: string | null; onRetry: () => void }) {
  if (!error) return null
  return (
    <Banner type="error">
      {error}{' '}
      <button className="billie-link-button" onClick={onRetry} type="button">
        Try again
      </button>
    </Banner>
  )
}
