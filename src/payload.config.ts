import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildConfig } from 'payload'
import sharp from 'sharp'

import { readBusinessTimeZone } from './analytics/settings'
import { Applications } from './collections/Applications'
import { AuditLog } from './collections/AuditLog'
import { ProjectionFences } from './collections/ProjectionFences'
import { Conversations } from './collections/Conversations'
import { Customers } from './collections/Customers'
import { Media } from './collections/Media'
import { Notes } from './collections/Notes'
import { PortalApplications } from './collections/PortalApplications'
import { PortalConversations } from './collections/PortalConversations'
import { Reviews } from './collections/Reviews'
import { SavedViews } from './collections/SavedViews'
import { Users } from './collections/Users'
import { withOneAdminKept } from './collections/Users/withOneAdminKept'
import { Utterances } from './collections/Utterances'
import { databaseAdapter } from './database'
import { emailAdapter } from './email'
import { analytics } from './endpoints/analytics'
import { exportEndpoints } from './endpoints/export'
import { opsEndpoints } from './endpoints/ops'
import { portalEndpoints } from './endpoints/portal'
import { projectionEndpoints } from './endpoints/projections'
import { presenceEndpoints } from './endpoints/presence'
import { realtime } from './endpoints/realtime'
import { checkSettings, payloadSecret } from './settings'

const dirname = path.dirname(fileURLToPath(import.meta.url))

// Every process that runs this app loads this file first: a setting it cannot read stops it here.
checkSettings()

export default buildConfig({
  admin: {
    user: Users.slug,
    // No gravatar: the admin makes no outbound calls.
    avatar: 'default',
    meta: { titleSuffix: ' · Billie supervisor' },
    components: {
      // First in the nav: the live board, which is also the admin's home page.
      beforeNavLinks: ['/components/admin/nav/LiveNavLink.client#LiveNavLink'],
      // Firing alerts, for admins (it renders nothing for anyone else).
      header: ['/components/admin/ops/AlertBanner.client#AlertBanner'],
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
        {
          path: '/components/admin/nav/ViewNavLink.client#ViewNavLink',
          clientProps: { path: '/projections', label: 'Projections', roles: ['admin'] },
        },
        {
          path: '/components/admin/nav/ViewNavLink.client#ViewNavLink',
          clientProps: { path: '/operations', label: 'Operations', roles: ['admin'] },
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
        operations: {
          Component: '/components/admin/ops/OperationsView#OperationsView',
          path: '/operations',
          exact: true,
          meta: { title: 'Operations' },
        },
        deadLetters: {
          Component: '/components/admin/ops/OperationsView#DeadLettersView',
          path: '/operations/dead-letters',
          exact: true,
          meta: { title: 'Dead letters' },
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
        projections: {
          Component: '/components/admin/projections/ProjectionsView#ProjectionsView',
          path: '/projections',
          exact: true,
          meta: { title: 'Projections' },
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
    SavedViews,
    Reviews,
    Notes,
    Users,
    Media,
    AuditLog,
    ProjectionFences,
  ],
  // Settings read once, at start, for endpoints and views (req.payload.config.custom).
  custom: { businessTimeZone: readBusinessTimeZone() },
  db: withOneAdminKept(databaseAdapter()),
  // Password resets and invitations: SMTP when SMTP_HOST is set, else one log line (src/email.ts).
  email: emailAdapter(),
  // Custom /api routes: Payload's catch-all owns /api/*, so they are endpoints here.
  endpoints: [
    realtime,
    ...portalEndpoints,
    ...projectionEndpoints,
    ...opsEndpoints,
    ...presenceEndpoints,
    ...exportEndpoints,
    analytics,
  ],
  secret: payloadSecret(),
  sharp,
  telemetry: false,
  typescript: {
    // Payload regenerates the types in a child process on every start outside production. Only
    // `next dev` should (NEXT_RUNTIME is set inside Next only): workers, tests, the bench and the
    // CLIs share this checkout and must not rewrite it; `pnpm generate:types` writes it on demand.
    autoGenerate: Boolean(process.env.NEXT_RUNTIME),
    outputFile: path.resolve(dirname, 'payload-types.ts'),
  },
})
