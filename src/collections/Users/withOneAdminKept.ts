import { APIError, type BaseDatabaseAdapter, type DatabaseAdapterObj, type PayloadRequest, type Where } from 'payload'

const ADMINS: Where = { role: { equals: 'admin' } }

type Write = 'change' | 'delete'

const lastAdmin = (write: Write) =>
  new APIError(
    write === 'change'
      ? 'This is the last admin: make another user admin before changing this role.'
      : 'This is the last admin: make another user admin before deleting this one.',
    400,
    undefined,
    true,
  )

/**
 * The last admin can be neither demoted nor deleted: that would lock everyone out of user
 * management. The rule sits in the database adapter, around the write itself, so that the check
 * and the write are one step whoever asks (REST, GraphQL, the admin panel, a script): each write
 * to `users` that sets a role other than admin, or deletes, first counts the admins that would
 * remain (inside the request's transaction, when there is one), and such writes run one at a
 * time in this process. Two admins demoting each other at once: the second write sees the first
 * and is refused. A collection hook could not do this: Payload runs a bulk request's hooks for
 * every document before any of them writes, and nothing ends a hook's lock when the write fails.
 * On MongoDB, overlapping transactions read snapshots: see docs/architecture.md, Access.
 */
export function withOneAdminKept(adapter: DatabaseAdapterObj): DatabaseAdapterObj {
  return {
    ...adapter,
    init: (args) => {
      const db = adapter.init(args)
      keepOneAdmin(db)
      return db
    },
  }
}

function keepOneAdmin(db: BaseDatabaseAdapter): void {
  let queue: Promise<unknown> = Promise.resolve()
  const oneAtATime = <T>(run: () => Promise<T>): Promise<T> => {
    const result = queue.then(run)
    queue = result.catch(() => undefined)
    return result
  }

  /** Refuses a write to the users `target` selects that would leave no admin. */
  const keepAnAdmin = async (write: Write, target: Where, req: Partial<PayloadRequest> | undefined) => {
    const count = (where: Where) => db.count({ collection: 'users', where, req }).then(({ totalDocs }) => totalDocs)
    const touched = await count({ and: [target, ADMINS] })
    if (touched > 0 && touched >= (await count(ADMINS))) throw lastAdmin(write)
  }

  const demotes = (collection: string, data: Record<string, unknown>) =>
    collection === 'users' && typeof data.role === 'string' && data.role !== 'admin'

  const { updateOne, updateMany, deleteOne, deleteMany } = db
  db.updateOne = (args) => {
    if (!demotes(args.collection, args.data)) return updateOne.call(db, args)
    const target: Where = args.id === undefined ? args.where! : { id: { equals: args.id } }
    return oneAtATime(async () => {
      await keepAnAdmin('change', target, args.req)
      return updateOne.call(db, args)
    })
  }
  db.updateMany = (args) => {
    if (!demotes(args.collection, args.data)) return updateMany.call(db, args)
    return oneAtATime(async () => {
      await keepAnAdmin('change', args.where, args.req)
      return updateMany.call(db, args)
    })
  }
  db.deleteOne = (args) => {
    if (args.collection !== 'users') return deleteOne.call(db, args)
    return oneAtATime(async () => {
      await keepAnAdmin('delete', args.where, args.req)
      return deleteOne.call(db, args)
    })
  }
  db.deleteMany = (args) => {
    if (args.collection !== 'users') return deleteMany.call(db, args)
    return oneAtATime(async () => {
      await keepAnAdmin('delete', args.where, args.req)
      return deleteMany.call(db, args)
    })
  }
}
