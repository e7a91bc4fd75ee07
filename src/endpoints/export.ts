/**
 * Exports for staff (supervisors and admins):
 *
 *   GET /api/export/conversations/:conversationId          JSON: the record, application, customer,
 *                                                          transcript with rationale, reviews, notes
 *   GET /api/export/conversations/:conversationId?format=print   the same as a printable page
 *   GET /api/export/board.csv?q=&status=                   the board's filter as CSV, streamed
 */
import type { Endpoint, PayloadRequest } from 'payload'

import { hasRole } from '@/access/roles'
import { boardCsv, conversationExport } from '@/export/conversation'
import { printablePage } from '@/export/printable'

const refuse = (status: number, message: string) => Response.json({ message }, { status })

/** Staff only: a custom endpoint is public until it checks. */
function refused(req: PayloadRequest): Response | undefined {
  if (!req.user) return refuse(401, 'Log in as a supervisor or admin to export.')
  if (!hasRole(req.user, 'admin', 'supervisor')) return refuse(403, 'Exports are for supervisors and admins only.')
  return undefined
}

const fileName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100)

export const exportEndpoints: Endpoint[] = [
  {
    path: '/export/conversations/:conversationId',
    method: 'get',
    handler: async (req) => {
      const denied = refused(req)
      if (denied) return denied
      const conversationId = String(req.routeParams?.conversationId ?? '').trim()
      const format = req.searchParams.get('format') ?? 'json'
      if (format !== 'json' && format !== 'print')
        return refuse(400, `format ${JSON.stringify(format)} is not json or print`)
      if (!conversationId || conversationId.length > 200) return refuse(400, 'Name a conversation id to export.')
      const data = await conversationExport(req, conversationId)
      if (!data) return refuse(404, `No conversation ${conversationId} has been recorded.`)
      if (format === 'print') {
        return new Response(printablePage(data), {
          headers: {
            'content-type': 'text/html; charset=utf-8',
            // The page loads and runs nothing: its only style is inline.
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
            'cache-control': 'no-store',
          },
        })
      }
      return new Response(JSON.stringify(data, null, 2), {
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="conversation-${fileName(conversationId)}.json"`,
          'cache-control': 'no-store',
        },
      })
    },
  },
  {
    path: '/export/board.csv',
    method: 'get',
    handler: (req) => {
      const denied = refused(req)
      if (denied) return denied
      const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')
      return new Response(boardCsv(req, req.searchParams), {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="conversations-${stamp}.csv"`,
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
        },
      })
    },
  },
]
