// The domain's verdict (src/domain-verdict.ts): the worst server's, one sentence naming the
// servers grouped by verdict, the worst server's advice, one reason per server; untested servers
// named but never counted; nothing tested → why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_RESULT_VIEW, VERDICT_LABELS, type ServerView, type VerdictCode } from '@relayprobe/contracts';
import { domainVerdict } from '../src/domain-verdict.js';

const server = (n: number, code?: VerdictCode, notTested?: { code: string; text: string }): ServerView => ({
  plan: { server: n, preference: n * 10, host: `mx${n}.example.com`, address: `192.0.2.${n}` },
  status: code ? 'done' : 'not-tested',
  notTested,
  startMs: undefined,
  endMs: undefined,
  view: code ? { ...EMPTY_RESULT_VIEW, verdict: { code, label: VERDICT_LABELS[code], summary: `${code} summary.`, advice: `${code} advice.`, reasons: [] } } : EMPTY_RESULT_VIEW,
});

test('worst first, grouped, with the worst server’s advice and a reason per server', () => {
  const verdict = domainVerdict(
    'example.com',
    [
      server(1, 'closed'),
      server(2, 'closed'),
      server(3, 'suspicious'),
      server(4, 'closed'),
      server(5, 'closed'),
      server(6, undefined, { code: 'no-ipv6-route', text: 'no IPv6 connectivity from here' }),
    ],
    2,
  );
  assert.equal(verdict.code, 'suspicious');
  assert.equal(verdict.label, 'Suspicious');
  assert.equal(
    verdict.summary,
    'mx3.example.com (192.0.2.3) is suspicious; mx1.example.com (192.0.2.1), mx2.example.com (192.0.2.2), mx4.example.com (192.0.2.4) and 1 more are not open relays; 1 server was not tested; 2 more MX hosts were not looked up.',
  );
  assert.equal(verdict.advice, 'mx3.example.com (192.0.2.3): suspicious advice.');
  assert.deepEqual(
    verdict.reasons.map((r) => [r.code, r.server]),
    [
      ['server-verdict', 3],
      ['server-verdict', 1],
      ['server-verdict', 2],
      ['server-verdict', 4],
      ['server-verdict', 5],
      ['no-ipv6-route', 6],
    ],
  );
});

test('an unreachable server ranks above a closed one; two of a kind are named with "and"', () => {
  const verdict = domainVerdict('example.com', [server(1, 'closed'), server(2, 'unreachable'), server(3, 'unreachable')], 0);
  assert.equal(verdict.code, 'unreachable');
  assert.equal(verdict.summary, 'mx2.example.com (192.0.2.2) and mx3.example.com (192.0.2.3) could not be reached; mx1.example.com (192.0.2.1) is not an open relay.');
});

test('nothing tested: unreachable when DNS or the policy is why, inconclusive otherwise, and why in the summary', () => {
  const refused = domainVerdict('example.com', [server(1, undefined, { code: 'host-not-resolved', text: 'mx1.example.com has no address (A or AAAA)' })], 0);
  assert.equal(refused.code, 'unreachable');
  assert.equal(refused.summary, 'No server of example.com was tested: mx1.example.com has no address (A or AAAA).');
  const v6 = domainVerdict('example.com', [server(1, undefined, { code: 'no-ipv6-route', text: 'no IPv6 connectivity from here (no route to 2001:db8::1)' })], 0);
  assert.equal(v6.code, 'inconclusive');
  assert.match(v6.advice, /IPv6 connectivity/);
});
