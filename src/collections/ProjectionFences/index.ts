import type { CollectionConfig } from 'payload'

/**
 * The fencing token of the last verify, rebuild or replay to take each projection's lock. A job's
 * writes go through the writer with its token, which checks it against this row in the same
 * transaction: a job that lost its lock (stalled past the lock's time while another started)
 * finds a newer token here and writes nothing more. Written only by the writer; nobody reads or
 * changes it through the API or the admin.
 */
export const ProjectionFences: CollectionConfig = {
  slug: 'projection-fences',
  admin: { hidden: true },
  access: {
    read: () => false,
    create: () => false,
    update: () => false,
    delete: () => false,
  },
  fields: [
    { name: 'projection', type: 'text', required: true, unique: true },
    { name: 'token', type: 'number', required: true },
  ],
  timestamps: true,
}
