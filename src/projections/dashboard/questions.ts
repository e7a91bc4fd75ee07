/**
 * Telling when the assistant asks the same question again: a question is an assistant line that
 * ends in a question mark; two askings are the same question when their words are, whatever the
 * case, punctuation, spacing or emoji. Kept as a short fingerprint, so a long chat's bookkeeping
 * stays small.
 */

/** FNV-1a, 32 bits, in base 36: short, stable, and plenty for telling one chat's questions apart. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(36)
}

/** The question's fingerprint, or undefined when the line asks nothing. */
export function questionFingerprint(utterance: string): string | undefined {
  const text = utterance.trim()
  if (!text.endsWith('?')) return undefined
  const words = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
  return words ? fingerprint(words) : undefined
}
