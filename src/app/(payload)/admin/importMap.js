import { AlertBanner as AlertBanner_0bf072afcadc68aaa15a924e02d21fc0 } from '../../../components/admin/ops/AlertBanner.client'
import { ViewNavLink as ViewNavLink_e1e936ac0a1d62517d837ab003acff11 } from '../../../components/admin/nav/ViewNavLink.client'
import { LiveNavLink as LiveNavLink_2e8962c0db14c9ad72a0c311cd317701 } from '../../../components/admin/nav/LiveNavLink.client'
import { LiveConversationsView as LiveConversationsView_6b0c00737d30c429b5aaf498eecdd7f8 } from '../../../components/admin/live/LiveConversationsView'
import { ConversationView as ConversationView_aa609e271a7610205f42e832c6e082a5 } from '../../../components/admin/conversation/ConversationView'
import { OperationsView as OperationsView_8341dc6f93485bece5881fbffdb88903 } from '../../../components/admin/ops/OperationsView'
import { DeadLettersView as DeadLettersView_8341dc6f93485bece5881fbffdb88903 } from '../../../components/admin/ops/OperationsView'
import { ReviewQueueView as ReviewQueueView_b55b2022b65b54b59eaa23b049a4cd01 } from '../../../components/admin/reviews/ReviewQueueView'
import { AnalyticsView as AnalyticsView_f22665f882ede6dcae49bc8eaa4603e1 } from '../../../components/admin/analytics/AnalyticsView'
import { PortalApiView as PortalApiView_92569b5865875a18e1c82f88a4120fbf } from '../../../components/admin/portalApi/PortalApiView'
import { ProjectionsView as ProjectionsView_d2bd5de5b57b604d22945e7e59969197 } from '../../../components/admin/projections/ProjectionsView'
import { CollectionCards as CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1 } from '@payloadcms/next/rsc'

/** @type import('payload').ImportMap */
export const importMap = {
  "/components/admin/ops/AlertBanner.client#AlertBanner": AlertBanner_0bf072afcadc68aaa15a924e02d21fc0,
  "/components/admin/nav/ViewNavLink.client#ViewNavLink": ViewNavLink_e1e936ac0a1d62517d837ab003acff11,
  "/components/admin/nav/LiveNavLink.client#LiveNavLink": LiveNavLink_2e8962c0db14c9ad72a0c311cd317701,
  "/components/admin/live/LiveConversationsView#LiveConversationsView": LiveConversationsView_6b0c00737d30c429b5aaf498eecdd7f8,
  "/components/admin/conversation/ConversationView#ConversationView": ConversationView_aa609e271a7610205f42e832c6e082a5,
  "/components/admin/ops/OperationsView#OperationsView": OperationsView_8341dc6f93485bece5881fbffdb88903,
  "/components/admin/ops/OperationsView#DeadLettersView": DeadLettersView_8341dc6f93485bece5881fbffdb88903,
  "/components/admin/reviews/ReviewQueueView#ReviewQueueView": ReviewQueueView_b55b2022b65b54b59eaa23b049a4cd01,
  "/components/admin/analytics/AnalyticsView#AnalyticsView": AnalyticsView_f22665f882ede6dcae49bc8eaa4603e1,
  "/components/admin/portalApi/PortalApiView#PortalApiView": PortalApiView_92569b5865875a18e1c82f88a4120fbf,
  "/components/admin/projections/ProjectionsView#ProjectionsView": ProjectionsView_d2bd5de5b57b604d22945e7e59969197,
  "@payloadcms/next/rsc#CollectionCards": CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1
}
