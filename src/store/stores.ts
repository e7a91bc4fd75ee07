/** Every projection with its storage: what the worker runs, by name (apart from the write path, and Payload). */
import type { ProjectionName } from '@/projections'

import { dashboardStore } from './dashboard'
import { portalStore } from './portal'
import type { StoredProjection } from './types'

export const STORES: Record<ProjectionName, StoredProjection> = {
  dashboard: dashboardStore as unknown as StoredProjection,
  portal: portalStore as unknown as StoredProjection,
}
