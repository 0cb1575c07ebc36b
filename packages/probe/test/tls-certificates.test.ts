// Security regression: bad server certificates (SECURITY.md §3 "Report bad TLS, don't die on
// it"). A server presents an expired, self-signed or wrong-name certificate, over STARTTLS or
// implicit TLS. A prober that rejects the handshake loses the relay test (and an attacker who
// can break TLS for us can hide an open relay); one that ignores the certificate hides a real
// problem from the operator. The probe must finish the session (verdict as usual), record what
// the certificate says and what is wrong with it, and the transcript must say it in words.
//
// The probe connects to 127.0.0.1 by address, so the name it expects is the IP: the fixtures'
// certificates (packages/testkit/fixtures/make-certs.sh) carry IP SAN 127.0.0.1, except
// wrong-name (DNS:wrong.example only). The fixture CA is the probe's trust root.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, type ServerHandle, type TlsVariant } from '@relayprobe/testkit';
import { formatTranscript, type TlsDetails } from '@relayprobe/contracts';
import { probeLocal } from './local-probe.js';

const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const FIXTURE_NAMES = ['DNS:mx.relay-test.example', 'DNS:localhost', 'IP Address:127.0.0.1'];
const ISSUED_BY_CA = 'O=relayprobe testkit, CN=relayprobe fixture CA';
const SUBJECT = 'O=relayprobe testkit, CN=mx.relay-test.example';

interface Expected {
  /** The fields of TlsDetails this certificate must produce (protocol, cipher and fingerprint are checked by form). */
  details: Omit<TlsDetails, 'protocol' | 'cipher' | 'servername' | 'hostnameError' | 'certificate'> & {
    certificate: Omit<NonNullable<TlsDetails['certificate']>, 'fingerprint256'>;
  };
  /** What the transcript's "TLS started" line must say. */
  words: RegExp[];
  /** What it must not say. */
  notWords?: RegExp[];
}

const EXPECTED: Record<TlsVariant, Expected> = {
  valid: {
    details: {
      authorized: true,
      authorizationError: null,
      hostnameMatch: true,
      certificate: { subject: SUBJECT, issuer: ISSUED_BY_CA, subjectAltNames: FIXTURE_NAMES, validFrom: '2024-01-01T00:00:00.000Z', validTo: '2044-01-01T00:00:00.000Z', selfSigned: false },
    },
    words: [/trusted, name matches/, /valid until 2044-01-01/],
    notWords: [/not trusted/, /mismatch/],
  },
  expired: {
    details: {
      authorized: false,
      authorizationError: 'CERT_HAS_EXPIRED',
      hostnameMatch: true,
      certificate: { subject: SUBJECT, issuer: ISSUED_BY_CA, subjectAltNames: FIXTURE_NAMES, validFrom: '2020-01-01T00:00:00.000Z', validTo: '2021-01-01T00:00:00.000Z', selfSigned: false },
    },
    words: [/not trusted \(CERT_HAS_EXPIRED\)/, /valid until 2021-01-01/],
    notWords: [/mismatch/],
  },
  'self-signed': {
    details: {
      authorized: false,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      hostnameMatch: true,
      certificate: { subject: SUBJECT, issuer: SUBJECT, subjectAltNames: FIXTURE_NAMES, validFrom: '2024-01-01T00:00:00.000Z', validTo: '2044-01-01T00:00:00.000Z', selfSigned: true },
    },
    words: [/not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/, /issued by O=relayprobe testkit, CN=mx\.relay-test\.example/],
    notWords: [/mismatch/],
  },
  'wrong-name': {
    // The chain is sound (signed by the trusted fixture CA): `authorized` is about the chain
    // (contracts/events.ts), the name is hostnameMatch's business.
    details: {
      authorized: true,
      authorizationError: null,
      hostnameMatch: false,
      certificate: {
        subject: 'O=relayprobe testkit, CN=wrong.example',
        issuer: ISSUED_BY_CA,
        subjectAltNames: ['DNS:wrong.example'],
        validFrom: '2024-01-01T00:00:00.000Z',
        validTo: '2044-01-01T00:00:00.000Z',
        selfSigned: false,
      },
    },
    words: [/name mismatch \(.*127\.0\.0\.1.*\)/],
    notWords: [/not trusted/],
  },
};

const VARIANTS: TlsVariant[] = ['valid', 'expired', 'self-signed', 'wrong-name'];
const MODES = [
  { mode: 'STARTTLS', profile: 'postfix-closed', tls: 'auto' },
  { mode: 'implicit TLS', profile: 'implicit-tls', tls: 'implicit' },
] as const;

for (const { mode, profile, tls } of MODES) {
  for (const variant of VARIANTS) {
    const expected = EXPECTED[variant];
    test(`${variant} certificate over ${mode}: the probe completes and records what is wrong`, async () => {
      const server = await startProfile(profile, { tls: variant });
      servers.push(server);
      const { result } = await probeLocal(server, { suite: 'quick', tls, timeoutSeconds: 2 });

      assert.equal(result.verdict?.code, 'closed', 'the relay test ran to its end inside TLS');
      assert.equal(server.connections, 1, 'no fallback to plain text was needed');
      assert.ok(result.events.filter((e) => e.type === 'command' && e.text.startsWith('RCPT')).every((e) => e.type === 'command' && e.tls));

      const details = result.session?.tls;
      assert.ok(details, 'TLS details recorded');
      const { protocol, cipher, servername, hostnameError, certificate, ...judged } = details;
      const { fingerprint256, ...certificateFields } = certificate ?? { fingerprint256: '' };
      assert.deepEqual({ ...judged, certificate: certificateFields }, expected.details);
      assert.match(protocol ?? '', /^TLSv1\.[23]$/);
      assert.ok((cipher ?? '').length > 0);
      assert.equal(servername, null, 'no SNI for an IP address (RFC 6066 §3)');
      assert.match(fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      if (expected.details.hostnameMatch === false) assert.match(hostnameError ?? '', /127\.0\.0\.1/);
      else assert.equal(hostnameError, null);

      const tlsEvent = result.events.find((e) => e.type === 'tls');
      assert.deepEqual(tlsEvent?.type === 'tls' && tlsEvent.details, details, 'the event and the session facts agree');
      const line =
        formatTranscript(result.events)
          .split('\n')
          .find((l) => l.startsWith('=== TLS started:')) ?? '';
      for (const words of expected.words) assert.match(line, words);
      for (const words of expected.notWords ?? []) assert.doesNotMatch(line, words);
    });
  }
}
