import type { PayloadRequest } from 'payload'

import { originSetting } from '@/lib/env'

/**
 * The password-reset mail, its link absolute at SERVER_URL. Payload builds the link from its
 * `serverURL`, which would also turn on its cookie origin checks for every API client; this keeps
 * them as they are and still mails a link a person can click.
 */
export function resetPasswordEmail(args?: { req?: PayloadRequest; token?: string }): string {
  const { req, token } = args ?? {}
  const admin = req?.payload.config.routes.admin ?? '/admin'
  const link = `${originSetting('SERVER_URL') ?? ''}${admin}/reset/${token}`
  const t = req?.t
  return [
    t ? t('authentication:youAreReceivingResetPassword') : 'Someone asked to reset your password.',
    `<a href="${link}">${link}</a>`,
    t ? t('authentication:youDidNotRequestPassword') : 'If it was not you, ignore this email.',
  ].join('\n')
}
