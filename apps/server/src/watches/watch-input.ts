// Checks of a watch's fields beyond the schema, each refusal in the API's error format with the
// field at fault: the target grammar and allowed ports (as for probes), an address literal
// against the probes' address policy, the interval against RELAYPROBE_WATCH_MIN_INTERVAL, and
// each alert: the fields its type needs, webhook URLs through the webhook address policy,
// e-mail recipients as RFC 5321 mailboxes and only when an SMTP server is configured.
import { WATCH_DEFAULT_INTERVAL_MINUTES, readTarget, recipientRefusal, type AlertChannel, type CreateWatchBody } from '@relayprobe/contracts';
import type { AddressPolicy, DnsResolver } from '@relayprobe/probe';
import type { Refusal } from '../probes/admission.js';
import type { StoredAlert } from './watch-store.js';
import { checkWebhookUrl } from './webhook-target.js';

export interface InputRules {
  minIntervalMinutes: number;
  ports: readonly number[];
  targetPolicy: AddressPolicy;
  webhookPolicy: AddressPolicy;
  resolver: DnsResolver;
  emailConfigured: boolean;
}

const refuse = (field: string, message: string, status = 400, code: Refusal['code'] = 'invalid-option'): Refusal => ({ ok: false, status, code, message, field });

/** The target and port of a new watch, checked as a probe's would be before DNS. */
export function checkTarget(body: Pick<CreateWatchBody, 'target' | 'port'>, rules: InputRules): { ok: true; target: string; port: number } | Refusal {
  const reading = readTarget(body.target);
  if (!reading.ok) return refuse('target', reading.message, 400, 'invalid-target');
  const port = body.port ?? 25;
  if (!rules.ports.includes(port)) return refuse('port', `Port ${port} is not allowed on this server (RELAYPROBE_PORTS).`, 403, 'port-not-allowed');
  const { target } = reading;
  if (target.kind === 'ipv4' || target.kind === 'ipv6') {
    const verdict = rules.targetPolicy.check(target.address);
    if (!verdict.allowed) return refuse('target', verdict.reason, 403, 'address-refused');
  }
  return { ok: true, target: reading.text, port };
}

/** The interval, defaulted and bounded below by the operator's minimum. */
export function checkInterval(minutes: number | undefined, rules: InputRules): { ok: true; minutes: number } | Refusal {
  const value = minutes ?? Math.max(WATCH_DEFAULT_INTERVAL_MINUTES, rules.minIntervalMinutes);
  if (value < rules.minIntervalMinutes) return refuse('intervalMinutes', `"intervalMinutes" must be at least ${rules.minIntervalMinutes} on this server (RELAYPROBE_WATCH_MIN_INTERVAL).`);
  return { ok: true, minutes: value };
}

async function checkAlert(alert: AlertChannel, field: string, rules: InputRules): Promise<{ ok: true; alert: StoredAlert } | Refusal> {
  const { type } = alert;
  if (type === 'email') {
    if (alert.url !== undefined || alert.secret !== undefined) return refuse(field, `An e-mail alert takes "to" only (no "url" or "secret").`);
    if (alert.to === undefined) return refuse(`${field}.to`, `The field "${field}.to" is required for an e-mail alert.`);
    const problem = recipientRefusal(alert.to);
    if (problem) return refuse(`${field}.to`, problem);
    if (!rules.emailConfigured) return refuse(field, 'E-mail alerts need an SMTP server: the operator sets RELAYPROBE_ALERT_SMTP_URL.');
    return { ok: true, alert: { type, to: alert.to } };
  }
  if (alert.to !== undefined) return refuse(`${field}.to`, `A ${type} alert takes "url"${type === 'webhook' ? ' and "secret"' : ''}, not "to".`);
  if (alert.url === undefined) return refuse(`${field}.url`, `The field "${field}.url" is required for a ${type} alert.`);
  if (type === 'webhook' && alert.secret === undefined) {
    return refuse(`${field}.secret`, `The field "${field}.secret" is required for a webhook alert: the body is signed with it (X-Relayprobe-Signature: sha256=<hex>).`);
  }
  if (type !== 'webhook' && alert.secret !== undefined) return refuse(`${field}.secret`, `"secret" applies to webhook alerts only; ${type} does not check signatures.`);
  const checked = await checkWebhookUrl(alert.url, `${field}.url`, rules.resolver, rules.webhookPolicy);
  if (!checked.ok) return refuse(`${field}.url`, checked.message, checked.status, checked.code);
  return { ok: true, alert: { type, url: alert.url, ...(alert.secret !== undefined ? { secret: alert.secret } : {}) } };
}

/** Every alert of a body, checked in order; the first refusal wins. */
export async function checkAlerts(alerts: readonly AlertChannel[], rules: InputRules): Promise<{ ok: true; alerts: StoredAlert[] } | Refusal> {
  const checked: StoredAlert[] = [];
  for (const [i, alert] of alerts.entries()) {
    const one = await checkAlert(alert, `alerts.${i}`, rules);
    if (!one.ok) return one;
    checked.push(one.alert);
  }
  return { ok: true, alerts: checked };
}
