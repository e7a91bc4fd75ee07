/**
 * The versions the code in this folder was written against and checked with. Everything here
 * leans on internals that Payload and libsql do not promise to keep: `payload.db.sessions`,
 * `payload.db.drizzle`, `payload.db.tables`, libsql's client connections. The rest of the code
 * base goes through Payload's public API and database adapter API only.
 *
 * tests/int/payloadInternals.int.spec.ts fails, naming the difference, when an upgrade moves any
 * of these versions or breaks an assumption: read the code here again before bumping them.
 */
export const WRITTEN_FOR = {
  payload: '3.90.2',
  '@payloadcms/db-sqlite': '3.90.2',
  '@payloadcms/db-mongodb': '3.90.2',
  '@libsql/client': '0.14.0',
  /** The native driver under @libsql/client, which a table reader (./sqlite.ts) opens itself. */
  libsql: '0.4.7',
  'drizzle-orm': '0.45.2',
} as const
