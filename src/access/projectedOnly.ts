import type { Access } from 'payload'

/**
 * Projected collections are written by the worker alone, through the database adapter (which
 * knows no access control). Through REST, GraphQL and the admin UI nobody, admins included, may
 * create, change or delete them: the stream is the source of truth.
 */
export const projectedOnly: Access = () => false
