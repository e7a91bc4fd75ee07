/** Every projection with its storage, and the batch path the worker projects it with. */
export { projectBatch } from './projectBatch'
export { STORES } from './stores'
export type { BatchChanges, StoredProjection } from './types'
