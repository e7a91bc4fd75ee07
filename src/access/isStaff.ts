import type { Access } from 'payload'

import { hasRole } from './roles'

/** Supervisors and admins: the people the dashboard is for. Anonymous requests get nothing. */
export const isStaff: Access = ({ req: { user } }) => hasRole(user, 'admin', 'supervisor')
