import nodemailer, { type Transport } from 'nodemailer'
import type { EmailAdapter } from 'payload'

import { booleanSetting, positiveIntSetting, stringSetting } from './lib/env'

export type EmailSettings = {
  from: { name: string; address: string }
  /** Unset: mail is written to the log instead of being sent. */
  smtp?: { host: string; port: number; secure: boolean; user: string; password: string }
}

export function emailSettings(): EmailSettings {
  const host = stringSetting('SMTP_HOST', '')
  const secure = booleanSetting('SMTP_SECURE', false)
  return {
    from: {
      name: stringSetting('EMAIL_FROM_NAME', 'Billie supervisor dashboard'),
      address: stringSetting('EMAIL_FROM_ADDRESS', 'no-reply@billie.invalid'),
    },
    smtp: host
      ? {
          host,
          port: positiveIntSetting('SMTP_PORT', secure ? 465 : 587),
          secure,
          user: stringSetting('SMTP_USER', ''),
          password: stringSetting('SMTP_PASS', ''),
        }
      : undefined,
  }
}

/**
 * Without SMTP_HOST, mail (a password reset, a supervisor's invitation) is not sent: one log line
 * says to whom and what, and outside production the links in it, so a developer can follow a
 * reset link from the console.
 */
const logTransport: Transport = {
  name: 'log',
  version: '1',
  send(mail, done) {
    const { to, subject, html } = mail.data
    const links = process.env.NODE_ENV === 'production' ? [] : String(html ?? '').match(/https?:\/\/[^"'<\s]+/g)
    const recipients = Array.isArray(to) ? to.join(', ') : String(to)
    const shown = links?.length ? `: ${links.join(' ')}` : ''
    console.info(`email to ${recipients}: "${subject}" not sent (SMTP_HOST is unset)${shown}`)
    done(null, { envelope: mail.message.getEnvelope(), messageId: mail.message.messageId() })
  },
}

/**
 * Payload's email adapter over nodemailer: SMTP when SMTP_HOST is set, else the log. No connection
 * is made at boot (a mail server that is down delays nobody's start; a failed send is logged by
 * Payload) and nothing goes to an outside test service. Payload's own nodemailer package is not
 * used: it is published a patch behind Payload, whose start refuses mismatched versions.
 */
export function emailAdapter(settings = emailSettings()): EmailAdapter {
  const { smtp, from } = settings
  const transport = smtp
    ? nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
      })
    : nodemailer.createTransport(logTransport)
  return () => ({
    name: smtp ? 'smtp' : 'log',
    defaultFromAddress: from.address,
    defaultFromName: from.name,
    sendEmail: (message) => transport.sendMail({ from: `${from.name} <${from.address}>`, ...message }),
  })
}
