// E-mail alerts through the SMTP server the operator configures (RELAYPROBE_ALERT_SMTP_URL), sent
// with nodemailer. The EHLO name is the operator's validated HELO name (nodemailer once let a
// crafted name reach the wire; SECURITY.md §2), the recipient was checked as an RFC 5321 Mailbox
// when the watch was saved, and the subject is ours (target grammar: no CR or LF). One connection
// per message: alerts are rare, and a pooled connection would outlive an operator's restart of
// the relay. A 5xx answer is permanent; anything else may be retried.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AttemptOutcome } from './webhook-sender.js';

/** Named timeouts, milliseconds. */
const CONNECT_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

export interface EmailSettings {
  smtpUrl: string;
  from: string;
  heloName: string;
}

/** Sends one alert e-mail; the body is the stored `{ subject, text }`. */
export async function sendAlertEmail(settings: EmailSettings, to: string, stored: string, deliveryId: number): Promise<AttemptOutcome> {
  const { subject, text } = JSON.parse(stored) as { subject: string; text: string };
  const options: SMTPTransport.Options = {
    url: settings.smtpUrl,
    name: settings.heloName,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  };
  const transport = nodemailer.createTransport(options);
  try {
    await transport.sendMail({ from: settings.from, to, subject, text, headers: { 'X-Relayprobe-Delivery': String(deliveryId) } });
    return { ok: true };
  } catch (error) {
    const { responseCode, message } = error as { responseCode?: number; message?: string };
    return { ok: false, permanent: responseCode !== undefined && responseCode >= 500, error: `SMTP: ${(message ?? String(error)).slice(0, 300)}` };
  } finally {
    transport.close();
  }
}
