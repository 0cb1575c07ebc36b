// The bytes of each kind of alert, made once when a change is found (a retry sends the same):
// - webhook: the documented JSON (contracts' WatchAlertPayload), signed
//   `X-Relayprobe-Signature: sha256=<hex>`, HMAC-SHA256 of the body under the alert's secret;
// - slack: an incoming-webhook message ({ text } in Slack's mrkdwn, https://api.slack.com/messaging/webhooks);
// - teams: a message with one Adaptive Card, which Teams' incoming webhooks (Workflows) accept;
// - email: { subject, text } for nodemailer.
// Everything here is pure; the senders (webhook-sender.ts, email-sender.ts) put it on the wire.
import { createHmac } from 'node:crypto';
import type { AlertState, WatchAlertPayload } from '@relayprobe/contracts';
import type { StoredAlert } from './watch-store.js';

/** What one channel is sent. */
export interface RenderedAlert {
  body: string;
  signature?: string;
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes under `secret`. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const stateText = (state: AlertState) => {
  const parts = [state.verdict.label];
  if (state.starttls !== undefined) parts.push(state.starttls ? 'STARTTLS offered' : 'no STARTTLS');
  if (state.certificate) parts.push(`certificate ${state.certificate.valid ? 'valid' : `invalid (${state.certificate.problem ?? 'invalid'})`}, ${state.certificate.daysLeft} days left`);
  return parts.join('; ');
};

/** The alert's headline: the watch and its verdict now. */
export function alertTitle(payload: WatchAlertPayload): string {
  return `relayprobe: ${payload.watch.target} port ${payload.watch.port}: ${payload.current.verdict.label}${payload.changes[0]?.kind === 'verdict' ? ` (was ${payload.previous.verdict.label})` : ''}`;
}

/** The lines every human-readable alert carries. */
function alertLines(payload: WatchAlertPayload): string[] {
  return [...payload.changes.map((c) => c.text), `Before: ${stateText(payload.previous)}`, `Now: ${stateText(payload.current)}`];
}

/** Slack's mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const isAbsolute = (url: string) => /^https?:\/\//.test(url);

function slackBody(payload: WatchAlertPayload): string {
  const link = isAbsolute(payload.resultUrl) ? `<${payload.resultUrl}|Open the result>` : `Result: ${slackEscape(payload.resultUrl)}`;
  const text = [`*${slackEscape(alertTitle(payload))}*`, ...alertLines(payload).map(slackEscape), link].join('\n');
  return JSON.stringify({ text });
}

function teamsBody(payload: WatchAlertPayload): string {
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: alertTitle(payload) },
      ...payload.changes.map((c) => ({ type: 'TextBlock', wrap: true, text: c.text })),
      {
        type: 'FactSet',
        facts: [
          { title: 'Before', value: stateText(payload.previous) },
          { title: 'Now', value: stateText(payload.current) },
        ],
      },
      ...(isAbsolute(payload.resultUrl) ? [] : [{ type: 'TextBlock', wrap: true, text: `Result: ${payload.resultUrl}` }]),
    ],
    ...(isAbsolute(payload.resultUrl) ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the result', url: payload.resultUrl }] } : {}),
  };
  return JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] });
}

function emailBody(payload: WatchAlertPayload): string {
  const text = [...alertLines(payload), '', `Result: ${payload.resultUrl}`, `Watch: ${payload.watch.url}`, '', '-- relayprobe'].join('\n');
  return JSON.stringify({ subject: alertTitle(payload), text });
}

/** The bytes for one channel. */
export function renderAlert(channel: StoredAlert, payload: WatchAlertPayload): RenderedAlert {
  switch (channel.type) {
    case 'webhook': {
      const body = JSON.stringify(payload);
      return channel.secret ? { body, signature: signBody(body, channel.secret) } : { body };
    }
    case 'slack':
      return { body: slackBody(payload) };
    case 'teams':
      return { body: teamsBody(payload) };
    case 'email':
      return { body: emailBody(payload) };
  }
}

/** A destination as the API shows it: the URL's origin (its path often holds a token), or the address. */
export function shownDestination(type: StoredAlert['type'], destination: string): string {
  if (type === 'email') return destination;
  try {
    const url = new URL(destination);
    return url.pathname === '/' && !url.search ? url.origin : `${url.origin}/…`;
  } catch {
    return '(invalid URL)';
  }
}
