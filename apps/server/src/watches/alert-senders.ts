// One attempt at one stored delivery, by its type: the three webhook kinds POST their stored body
// to a URL checked again now (DNS may have moved since the watch was saved); e-mail goes through
// the operator's SMTP server.
import type { AddressPolicy, DnsResolver } from '@relayprobe/probe';
import type { StoredDelivery } from './delivery-store.js';
import { sendAlertEmail, type EmailSettings } from './email-sender.js';
import { checkWebhookUrl } from './webhook-target.js';
import { postWebhook, type AttemptOutcome } from './webhook-sender.js';

export interface SenderDependencies {
  resolver: DnsResolver;
  /** The webhook address policy (RELAYPROBE_ALLOW_WEBHOOKS). */
  policy: AddressPolicy;
  /** Absent when RELAYPROBE_ALERT_SMTP_URL is not set. */
  email: EmailSettings | undefined;
}

/** The header that carries a webhook's signature. */
const SIGNATURE_HEADER = 'X-Relayprobe-Signature';

/** A send function for the dispatcher. */
export function alertSender(deps: SenderDependencies): (delivery: StoredDelivery, signal: AbortSignal) => Promise<AttemptOutcome> {
  return async (delivery, signal) => {
    if (delivery.type === 'email') {
      if (!deps.email) return { ok: false, permanent: true, error: 'RELAYPROBE_ALERT_SMTP_URL is not set on this server' };
      return sendAlertEmail(deps.email, delivery.destination, delivery.body, delivery.id);
    }
    const checked = await checkWebhookUrl(delivery.destination, 'url', deps.resolver, deps.policy);
    // A refused address stays refused; a name without an address may come back.
    if (!checked.ok) return { ok: false, permanent: checked.status === 403, error: checked.message };
    const headers: Record<string, string> = { 'X-Relayprobe-Event': 'watch.changed', 'X-Relayprobe-Delivery': String(delivery.id) };
    if (delivery.signature) headers[SIGNATURE_HEADER] = delivery.signature;
    return postWebhook(checked.target, delivery.body, headers, signal);
  };
}
