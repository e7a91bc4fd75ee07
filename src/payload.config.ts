import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildConfig } from 'payload'
import sharp from 'sharp'

import { Applications } from './collections/Applications'
import { Conversations } from './collections/Conversations'
import { Customers } from './collections/Customers'
import { Media } from './collections/Media'
import { Notes } from './collections/Notes'
import { PortalApplications } from './collections/PortalApplications'
import { PortalConversations } from './collections/PortalConversations'
import { Reviews } from './collections/Reviews'
import { Users } from './collections/Users'
import { Utterances } from './collections/Utterances'
import { databaseAdapter } from './database'
import { analytics } from './endpoints/analytics'
import { exportEndpoints } from './endpoints/export'
import { portalEndpoints } from './endpoints/portal'
import { realtime } from './endpoints/realtime'

const dirname = path.dirname(fileURLToPath(import.meta.url))

if (!process.env.PAYLOAD_SECRET) {
  throw new Error('PAYLOAD_SECRET is not set: copy .env.example to .env and set it (bin/start does this for you).')
}

export default buildConfig({
  admin: {
    user: Users.slug,
    // No gravatar: the admin makes no outbound calls.
    avatar: 'default',
    meta: { titleSuffix: ' · Billie supervisor' },
    components: {
      // First in the nav: the live board, which is also the admin's home page.
      beforeNavLinks: ['/components/admin/nav/LiveNavLink.client#LiveNavLink'],
      afterNavLinks: [
        {
          path: '/components/admin/nav/ViewNavLink.client#ViewNavLink',
          clientProps: { path: '/reviews', label: 'Review queue' },
        },
        {
          path: '/components/admin/nav/ViewNavLink.client#ViewNavLink',
          clientProps: { path: '/analytics', label: 'Analytics' },
        },
        {
          path: '/components/admin/nav/ViewNavLink.client#ViewNavLink',
          clientProps: { path: '/portal-api', label: 'Portal API reference' },
        },
      ],
      views: {
        // The dashboard is where everyone lands after login: for supervisors, the live board.
        dashboard: { Component: '/components/admin/live/LiveConversationsView#LiveConversationsView' },
        liveConversation: {
          Component: '/components/admin/conversation/ConversationView#ConversationView',
          path: '/live/:conversationId',
          exact: true,
          meta: { title: 'Conversation' },
        },
        reviewQueue: {
          Component: '/components/admin/reviews/ReviewQueueView#ReviewQueueView',
          path: '/reviews',
          exact: true,
          meta: { title: 'Review queue' },
        },
        analytics: {
          Component: '/components/admin/analytics/AnalyticsView#AnalyticsView',
          path: '/analytics',
          exact: true,
          meta: { title: 'Analytics' },
        },
        portalApi: {
          Component: '/components/admin/portalApi/PortalApiView#PortalApiView',
          path: '/portal-api',
          exact: true,
          meta: { title: 'Portal API reference' },
        },
      },
    },
    importMap: { baseDir: path.resolve(dirname) },
  },
  // Payload reads its own tokens from `JWT …` headers and cookies only: a `Bearer` token is the
  // customer portal's (src/portal/auth.ts), never mistaken for a staff session.
  auth: { jwtOrder: ['JWT', 'cookie'] },
  collections: [
    Conversations,
    Customers,
    Applications,
    Utterances,
    PortalApplications,
    PortalConversations,
    Reviews,
    Notes,
    Users,
    Media,
  ],
  db: databaseAdapter(),
  // Custom /api routes: Payload's catch-all owns /api/*, so they are endpoints here.
  endpoints: [realtime, ...portalEndpoints, ...exportEndpoints, analytics],
  secret: process.env.PAYLOAD_SECRET,
  sharp,
  telemetry: false,
  typescript: { outputFile: path.resolve(dirname, 'payload-types.ts') },
})
