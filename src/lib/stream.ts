/** The stream's names, shared by the worker, rebuilds, operations and the portal. */
import os from 'node:os'

import { stringSetting } from './env'

/** The chatLedger stream every projection consumes. */
export const chatLedgerStream = (): string => stringSetting('CHAT_LEDGER_STREAM', 'chatLedger')

/** Where a projection's dead letters go: beside its group's other keys. */
export const deadLetterStreamOf = (stream: string, group: string) => `${stream}:${group}:dlq`

/** What every consumer name of this process's host starts with: `WORKER_ID@host:` (the pid follows). */
export const consumerPrefix = (): string => `${stringSetting('WORKER_ID', 'worker')}@${os.hostname()}:`

/** A stream entry as Redis answers XRANGE and XREAD: its id and its flat field list. */
export type StreamEntryReply = [id: string, fields: string[]]
