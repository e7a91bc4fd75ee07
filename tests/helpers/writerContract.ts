/**
 * What every database's writer must do (src/store/writer), written once and run per database:
 * on SQLite by tests/int/writer.int.spec.ts, on MongoDB by tests/int/mongodb.int.spec.ts
 * wherever MONGODB_URI is set.
 */
import type { Payload } from 'payload'
import { describe, expect, it } from 'vitest'

import { FenceLost, WriteConflict } from '@/store/errors'
import { writerFor } from '@/store/writer'

const bookkeeping = { stamps: {} }

export function writerContract(payloadOf: () => Payload) {
  const unique = () => Math.random().toString(36).slice(2, 10)
  const tx = <T>(work: Parameters<ReturnType<typeof writerFor>['transaction']>[1]) =>
    writerFor(payloadOf()).transaction('writer-test', work) as Promise<T>
  /** Creates records (each row names its key field) as a first projection would; their ids by key. */
  const create = (collection: 'customers' | 'conversations', keyField: string, rows: Array<Record<string, unknown>>) =>
    tx<Map<string, string | number>>((t) =>
      t.writeRecords(
        collection,
        keyField,
        rows.map((row) => ({ key: String(row[keyField]), stored: undefined, state: bookkeeping as never, row })),
      ),
    )

  describe('the projection writer', () => {
    it('creates records with groups, arrays, JSON and links, and reads them back as Payload does', async () => {
      const payload = payloadOf()
      const key = `CUS-${unique()}`
      const ids = await tx<Map<string, string | number>>((t) =>
        t.writeRecords('customers', 'customerId', [
          {
            key,
            stored: undefined,
            state: { ...bookkeeping, customerId: key } as never,
            row: {
              customerId: key,
              firstName: 'Ada',
              fullName: 'Ada Lovelace',
              staffFlag: true,
              residentialAddress: { street: '1 Analytical Way', city: 'London', postcode: null },
              identityDocuments: [
                { documentType: 'passport', documentNumber: 'P123', additionalInfo: { issued: 2020 } },
                { documentType: 'licence', documentNumber: 'L9' },
              ],
            },
          },
        ]),
      )
      const customer = await payload.findByID({ collection: 'customers', id: ids.get(key)!, depth: 0 })
      expect(customer).toMatchObject({
        customerId: key,
        fullName: 'Ada Lovelace',
        staffFlag: true,
        version: 1,
        residentialAddress: { street: '1 Analytical Way', city: 'London' },
      })
      expect(
        customer.identityDocuments?.map((doc) => [doc.documentType, doc.documentNumber, doc.additionalInfo]),
      ).toEqual([
        ['passport', 'P123', { issued: 2020 }],
        ['licence', 'L9', null],
      ])

      const conversationKey = `conv-${unique()}`
      const conversationIds = await create('conversations', 'conversationId', [
        {
          conversationId: conversationKey,
          status: 'active',
          customer: ids.get(key),
          customerName: 'Ada Lovelace',
        },
      ])
      const conversation = await payload.findByID({
        collection: 'conversations',
        id: conversationIds.get(conversationKey)!,
        depth: 0,
      })
      expect(conversation).toMatchObject({ customer: ids.get(key), customerName: 'Ada Lovelace', status: 'active' })
    })

    it('updates a record only at the version it was read at; a stale write conflicts and is undone', async () => {
      const payload = payloadOf()
      const key = `CUS-${unique()}`
      const created = await create('customers', 'customerId', [
        {
          customerId: key,
          firstName: 'Old',
          identityDocuments: [{ documentType: 'passport', documentNumber: 'P1' }],
        },
      ])
      const id = created.get(key)!
      // Updated at version 1: the row's fields change, those it does not name stay, arrays are rewritten
      await tx((t) =>
        t.writeRecords('customers', 'customerId', [
          {
            key,
            stored: { id, version: 1 },
            state: bookkeeping as never,
            row: { lastName: 'New', identityDocuments: [] },
          },
        ]),
      )
      const updated = await payload.findByID({ collection: 'customers', id, depth: 0 })
      expect(updated).toMatchObject({ firstName: 'Old', lastName: 'New', version: 2 })
      expect(updated.identityDocuments ?? []).toEqual([])

      // A writer that read version 1 conflicts; what it wrote before in the same transaction is undone
      const other = `CUS-${unique()}`
      const stale = tx((t) =>
        t
          .writeRecords('customers', 'customerId', [
            { key: other, stored: undefined, state: bookkeeping as never, row: { customerId: other } },
          ])
          .then(() =>
            t.writeRecords('customers', 'customerId', [
              { key, stored: { id, version: 1 }, state: bookkeeping as never, row: { lastName: 'Stale' } },
            ]),
          ),
      )
      await expect(stale).rejects.toBeInstanceOf(WriteConflict)
      expect(await payload.findByID({ collection: 'customers', id, depth: 0 })).toMatchObject({
        lastName: 'New',
        version: 2,
      })
      const { totalDocs } = await payload.count({ collection: 'customers', where: { customerId: { equals: other } } })
      expect(totalDocs, 'a record created in the conflicting transaction was kept').toBe(0)

      // Creating a key another writer stored meanwhile conflicts too
      await expect(
        tx((t) =>
          t.writeRecords('customers', 'customerId', [
            { key, stored: undefined, state: bookkeeping as never, row: { customerId: key } },
          ]),
        ),
      ).rejects.toBeInstanceOf(WriteConflict)
    })

    it('puts copies on every linking record and moves their versions, so an older copy cannot come back', async () => {
      const payload = payloadOf()
      const customerKey = `CUS-${unique()}`
      const customers = await create('customers', 'customerId', [{ customerId: customerKey, fullName: 'Before' }])
      const customer = customers.get(customerKey)!
      const keys = [`conv-${unique()}`, `conv-${unique()}`]
      const conversations = await create(
        'conversations',
        'conversationId',
        keys.map((key) => ({ conversationId: key, status: 'active', customer, customerName: 'Before' })),
      )
      const moved = await tx<Array<{ id: string | number; version: number }>>((t) =>
        t.updateCopies('conversations', 'customer', customer, { customerName: 'After' }),
      )
      expect(moved.map(({ id }) => String(id)).sort()).toEqual(keys.map((key) => String(conversations.get(key))).sort())
      expect(moved.every(({ version }) => version === 2)).toBe(true)
      for (const key of keys) {
        expect(
          await payload.findByID({ collection: 'conversations', id: conversations.get(key)!, depth: 0 }),
        ).toMatchObject({
          customerName: 'After',
          version: 2,
        })
      }
      // A writer still holding version 1 (and the old name) conflicts
      await expect(
        tx((t) =>
          t.writeRecords('conversations', 'conversationId', [
            {
              key: keys[0]!,
              stored: { id: conversations.get(keys[0]!)!, version: 1 },
              state: bookkeeping as never,
              row: { customerName: 'Before' },
            },
          ]),
        ),
      ).rejects.toBeInstanceOf(WriteConflict)
    })

    it('inserts lines once, replaces them in place when asked (same id), and removes them by key', async () => {
      const payload = payloadOf()
      const conversationKey = `conv-${unique()}`
      const parents = await create('conversations', 'conversationId', [
        { conversationId: conversationKey, status: 'active' },
      ])
      const line = (seq: number, utterance: string) => ({
        key: `${conversationKey}:user_input:${seq}`,
        conversation: parents.get(conversationKey),
        eventId: `1700000000000-${seq}`,
        seq,
        username: 'customer',
        utterance,
        timestamp: '2025-03-03T09:00:00.000Z',
        endConversation: false,
      })
      const first = await tx<{ written: Map<string, string | number>; replaced: Set<string> }>((t) =>
        t.writeLines('utterances', [line(1, 'hello'), line(2, 'world')]),
      )
      expect(first.written.size).toBe(2)
      // A redelivered line is left alone
      const again = await tx<{ written: Map<string, string | number> }>((t) =>
        t.writeLines('utterances', [line(1, 'changed?')]),
      )
      expect(again.written.size).toBe(0)
      // Replaced in place: same id, new content, said to be replaced
      const replaced = await tx<{ written: Map<string, string | number>; replaced: Set<string> }>((t) =>
        t.writeLines('utterances', [line(1, 'hello again'), line(3, 'new')], { replace: true }),
      )
      expect(replaced.written.get(line(1, '').key)).toEqual(first.written.get(line(1, '').key))
      expect([...replaced.replaced]).toEqual([line(1, '').key])
      const stored = await payload.find({
        collection: 'utterances',
        where: { key: { like: conversationKey } },
        sort: 'seq',
        depth: 0,
      })
      expect(stored.docs.map((doc) => doc.utterance)).toEqual(['hello again', 'world', 'new'])

      expect(await tx<number>((t) => t.removeLines('utterances', [line(2, '').key, 'no-such-key']))).toBe(1)
      const left = await payload.count({ collection: 'utterances', where: { key: { like: conversationKey } } })
      expect(left.totalDocs).toBe(2)
    })

    it('removes a record only while it is at the version it was found at', async () => {
      const payload = payloadOf()
      const keys = [`CUS-${unique()}`, `CUS-${unique()}`]
      const ids = await create(
        'customers',
        'customerId',
        keys.map((key) => ({
          customerId: key,
          identityDocuments: [{ documentType: 'passport', documentNumber: 'P1' }],
        })),
      )
      const removed = await tx<Array<string | number>>((t) =>
        t.removeRecords('customers', [
          { id: ids.get(keys[0]!)!, version: 1 },
          { id: ids.get(keys[1]!)!, version: 7 },
        ]),
      )
      expect(removed.map(String)).toEqual([String(ids.get(keys[0]!))])
      const { docs } = await payload.find({ collection: 'customers', where: { customerId: { in: keys } }, depth: 0 })
      expect(docs.map((doc) => doc.customerId)).toEqual([keys[1]])
    })

    it('fences off a job once a newer one took its projection: it writes nothing, saying why', async () => {
      const payload = payloadOf()
      const writer = writerFor(payload)
      const projection = `fenced-${unique()}`
      // Given a job's token, then a newer job's
      const first = await writer.transaction('test', (t) => t.nextFence(projection))
      expect(first).toEqual({ projection, token: 1 })
      const second = await writer.transaction('test', (t) => t.nextFence(projection))
      expect(second.token).toBe(2)

      // When the first job writes a record
      const key = `CUS-${unique()}`
      const write = (fence: typeof first) =>
        writer.transaction(
          'test',
          (t) =>
            t.writeRecords('customers', 'customerId', [
              { key, stored: undefined, state: bookkeeping as never, row: { customerId: key } },
            ]),
          { fence },
        )
      // Then it is refused before anything is written, naming the projection
      await expect(write(first)).rejects.toThrow(FenceLost)
      await expect(write(first)).rejects.toThrow(new RegExp(`lost the lock on ${projection}`))
      const stored = async () =>
        (await payload.find({ collection: 'customers', where: { customerId: { equals: key } } })).totalDocs
      expect(await stored()).toBe(0)

      // And the newer job's write goes through
      await write(second)
      expect(await stored()).toBe(1)
    })
  })
}
