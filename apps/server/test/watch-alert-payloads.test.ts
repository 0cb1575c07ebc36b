// The bytes of each alert channel (watches/alert-payloads.ts): the generic webhook is the
// documented payload, signed sha256=HMAC over exactly those bytes; Slack gets mrkdwn text with its
// three characters escaped; Teams gets a message with one Adaptive Card (an Open action only for an
// absolute link); e-mail a subject and text; shown destinations never carry a URL's path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { WatchAlertPayload, matchesSchema } from '@relayprobe/contracts';
import { alertTitle, renderAlert, shownDestination, signBody } from '../src/watches/alert-payloads.js';

const payload = (resultUrl = 'https://relayprobe.example.com/r/KmbYibPp1QxK_i-iDL3TzA'): WatchAlertPayload => ({
  event: 'watch.changed',
  watch: { id: 'Qm9x0dY1T3a5WwZQpVq2nA', target: 'mx.example.com', port: 25, url: 'https://relayprobe.example.com/watches/Qm9x0dY1T3a5WwZQpVq2nA' },
  changes: [{ kind: 'verdict', text: 'mx.example.com port 25 is now "Open relay" (was "Not an open relay") <&>.' }],
  previous: { verdict: { code: 'closed', label: 'Not an open relay' }, reachable: true, starttls: true },
  current: { verdict: { code: 'open', label: 'Open relay' }, reachable: true, starttls: true, certificate: { validTo: '2030-02-01T00:00:00.000Z', daysLeft: 20, valid: true } },
  probeId: 'KmbYibPp1QxK_i-iDL3TzA',
  resultUrl,
  detectedAt: '2030-01-01T00:00:00.000Z',
});

test('webhook: the payload itself, signed over its exact bytes with the alert secret', () => {
  const rendered = renderAlert({ type: 'webhook', url: 'https://hooks.example.com/x', secret: 'sixteen-or-more-chars' }, payload());
  assert.ok(matchesSchema(WatchAlertPayload, JSON.parse(rendered.body)));
  assert.equal(rendered.signature, `sha256=${createHmac('sha256', 'sixteen-or-more-chars').update(rendered.body).digest('hex')}`);
  assert.equal(signBody(rendered.body, 'sixteen-or-more-chars'), rendered.signature);
  assert.notEqual(signBody(`${rendered.body} `, 'sixteen-or-more-chars'), rendered.signature);
});

test('slack: one mrkdwn text with the title, the changes, before and now, a link; &, < and > escaped', () => {
  const { body, signature } = renderAlert({ type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }, payload());
  assert.equal(signature, undefined);
  const { text } = JSON.parse(body) as { text: string };
  assert.match(text, /^\*relayprobe: mx\.example\.com port 25: Open relay \(was Not an open relay\)\*/);
  assert.ok(text.includes('&lt;&amp;&gt;'), 'escaped');
  assert.ok(text.includes('<https://relayprobe.example.com/r/KmbYibPp1QxK_i-iDL3TzA|Open the result>'));
  assert.match(text, /Now: Open relay; STARTTLS offered; certificate valid, 20 days left/);
});

test('teams: a message with one Adaptive Card; the Open action only with an absolute link', () => {
  const card = (resultUrl?: string) => {
    const message = JSON.parse(renderAlert({ type: 'teams', url: 'https://example.webhook.office.com/x' }, payload(resultUrl)).body);
    assert.equal(message.type, 'message');
    assert.equal(message.attachments.length, 1);
    assert.equal(message.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
    return message.attachments[0].content;
  };
  const absolute = card();
  assert.equal(absolute.type, 'AdaptiveCard');
  assert.equal(absolute.body[0].text, alertTitle(payload()));
  assert.deepEqual(absolute.actions, [{ type: 'Action.OpenUrl', title: 'Open the result', url: 'https://relayprobe.example.com/r/KmbYibPp1QxK_i-iDL3TzA' }]);
  const relative = card('/r/KmbYibPp1QxK_i-iDL3TzA');
  assert.equal(relative.actions, undefined);
  assert.ok(relative.body.some((b: { text?: string }) => b.text === 'Result: /r/KmbYibPp1QxK_i-iDL3TzA'));
});

test('email: the title as subject, the changes and the links in the text', () => {
  const { subject, text } = JSON.parse(renderAlert({ type: 'email', to: 'ops@example.com' }, payload()).body) as { subject: string; text: string };
  assert.equal(subject, 'relayprobe: mx.example.com port 25: Open relay (was Not an open relay)');
  assert.ok(!/[\r\n]/.test(subject));
  assert.match(text, /Result: https:\/\/relayprobe\.example\.com\/r\/KmbYibPp1QxK_i-iDL3TzA/);
});

test('destinations as shown: the origin only (Slack and Teams keep their token in the path), an e-mail address as is', () => {
  assert.equal(shownDestination('slack', 'https://hooks.slack.com/services/T000/B000/XXXX'), 'https://hooks.slack.com/…');
  assert.equal(shownDestination('webhook', 'http://127.0.0.1:8080/'), 'http://127.0.0.1:8080');
  assert.equal(shownDestination('webhook', 'https://hooks.example.com/?token=x'), 'https://hooks.example.com/…');
  assert.equal(shownDestination('email', 'ops@example.com'), 'ops@example.com');
});
