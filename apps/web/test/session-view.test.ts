// The "Session" facts (src/features/result/session-facts/session-view.ts): from the events while
// running, from the finished document's session facts after, TLS problems spelled out, and all
// server text escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCertificate, describeTls, foldEvents, withDocumentFallback, type ProbeEvent, type SessionFacts } from '@relayprobe/contracts';
import { attemptWords, sessionFacts as factsOfView } from '../src/features/result/session-facts/session-view.js';
import { EventLog, openRelayTranscript, reply, TLS_SELF_SIGNED } from './helpers/events.js';

// The facts are read from the fold of the events now; a document's session facts fill in as the
// store does it (withDocumentFallback). This keeps the old (session, events) form of the calls below.
const sessionFacts = (session: SessionFacts | undefined, events: readonly ProbeEvent[]) => factsOfView(withDocumentFallback(foldEvents(events), { session }));
const valuesOf = (facts: ReturnType<typeof sessionFacts>, name: string) => facts.find((f) => f.name === name)?.values;

test('while running, facts come from the events', () => {
  const facts = sessionFacts(undefined, openRelayTranscript().events);
  assert.deepEqual(valuesOf(facts, 'Addresses tried'), ['192.0.2.1']);
  assert.deepEqual(valuesOf(facts, 'MX used'), ['none: the target is an address']);
  assert.deepEqual(valuesOf(facts, 'Greeting'), ['220 mx.example.com ESMTP']);
  assert.deepEqual(valuesOf(facts, 'Extensions'), ['PIPELINING', '8BITMIME']);
  assert.deepEqual(valuesOf(facts, 'TLS'), ['not used']);
});

test('before anything happened, nothing is claimed', () => {
  assert.deepEqual(sessionFacts(undefined, []), []);
});

test('a domain target shows its MX hosts; a refused address says why', () => {
  const log = new EventLog();
  log.add({
    type: 'resolution',
    resolution: {
      input: 'example.com',
      kind: 'host',
      domain: 'example.com',
      mx: [
        { exchange: 'mx1.example.com', preference: 10 },
        { exchange: 'mx2.example.com', preference: 20 },
      ],
      nullMx: false,
      implicitMx: false,
      addresses: [
        { address: '192.0.2.1', family: 4, host: 'mx1.example.com', allowed: true },
        { address: '10.0.0.1', family: 4, host: 'mx2.example.com', allowed: false, refusal: 'private range' },
      ],
    },
  });
  const facts = sessionFacts(undefined, log.events);
  assert.deepEqual(valuesOf(facts, 'MX used'), ['10 mx1.example.com', '20 mx2.example.com']);
  assert.deepEqual(valuesOf(facts, 'Addresses tried'), ['192.0.2.1 (mx1.example.com)', '10.0.0.1 (mx2.example.com): refused, private range']);
});

test('the finished session facts win, and a bad certificate has its problems in words', () => {
  const session: SessionFacts = {
    address: '192.0.2.1',
    port: 25,
    localAddress: '198.51.100.7',
    attempts: [{ address: '192.0.2.1', port: 25, outcome: 'smtp-session' }],
    greeting: ['220 mx.example.com ESMTP'],
    ehloName: 'mx.example.com',
    heloFallback: false,
    extensions: ['PIPELINING', 'STARTTLS'],
    pipelining: true,
    starttlsOffered: true,
    tls: TLS_SELF_SIGNED,
    localNames: ['mx.example.com'],
    connections: 2,
  };
  const facts = sessionFacts(session, openRelayTranscript().events);
  assert.deepEqual(valuesOf(facts, 'Addresses tried'), ['192.0.2.1 port 25: the tests ran here'], "words, not the engine's code (smtp-session)");
  assert.deepEqual(valuesOf(facts, 'Extensions'), ['PIPELINING', 'STARTTLS']);
  assert.deepEqual(valuesOf(facts, 'Connections'), ['2']);
  assert.deepEqual(valuesOf(facts, 'TLS protocol'), ['TLSv1.3']);
  assert.deepEqual(valuesOf(facts, 'Cipher'), ['TLS_AES_256_GCM_SHA384']);
  assert.deepEqual(valuesOf(facts, 'Certificate problems'), ['not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)', "name mismatch (Hostname/IP does not match certificate's altnames)"]);
  // One date format on the page and in the transcript: describeCertificate's, the date alone.
  assert.deepEqual(valuesOf(facts, 'Certificate'), ['CN=other.example, issued by CN=other.example, valid until 2027-01-01']);
  const cert = TLS_SELF_SIGNED.certificate;
  assert.ok(cert);
  assert.ok(describeTls(TLS_SELF_SIGNED).includes(`certificate ${describeCertificate(cert)};`), 'the transcript uses the same words');
  assert.deepEqual(
    facts.map((f) => f.name),
    ['Addresses tried', 'MX used', 'Greeting', 'Extensions', 'Connections', 'Our address', 'TLS protocol', 'Cipher', 'Certificate', 'Certificate problems'],
    'TLS is described once: no one-line summary repeating the facts above',
  );
});

test('TLS learned from a tls event while running', () => {
  const log = openRelayTranscript();
  log.add({ type: 'tls', phase: 'starttls', details: { ...TLS_SELF_SIGNED, authorized: true, authorizationError: null, hostnameMatch: true, hostnameError: null } });
  assert.deepEqual(valuesOf(sessionFacts(undefined, log.events), 'Certificate problems'), ['none: trusted, and the name matches']);
});

test('server text in the facts is escaped', () => {
  const log = new EventLog();
  log.add(reply(['220 evil\u001b[31m\u202e'], { phase: 'greeting' }));
  assert.deepEqual(valuesOf(sessionFacts(undefined, log.events), 'Greeting'), ['220 evil\\e[31m\\u202e']);
});

test('every attempt outcome is in words: known codes have their own, others are spaced out', () => {
  assert.equal(attemptWords('connect-refused'), 'connection refused (nothing listens on that port)');
  assert.equal(attemptWords('greeting-timeout'), 'no greeting in time (possibly a tarpit)');
  assert.equal(attemptWords('malformed-reply'), 'malformed reply');
  for (const code of ['smtp-session', 'connect-timeout', '421', 'no-service', 'unexpected-greeting']) assert.doesNotMatch(attemptWords(code), /-/, code);
});
