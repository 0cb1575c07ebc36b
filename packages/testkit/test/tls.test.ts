// STARTTLS and implicit TLS with the fixture certificates: the valid leaf verifies against the
// fixture CA, the broken ones fail the way a probe must report (it handshakes anyway).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { certificateFor, fixtureCa, startProfile, type TlsVariant } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

const HOST = 'mx.relay-test.example';

async function upgraded(port: number, options: tls.ConnectionOptions): Promise<{ client: TestClient; secure: tls.TLSSocket }> {
  const client = await TestClient.connect(port);
  await client.readReply();
  const ehlo = await client.command('EHLO client.example');
  assert.ok(ehlo.includes('250-STARTTLS'), 'STARTTLS advertised');
  assert.equal(await client.ask('STARTTLS'), '220 2.0.0 Ready to start TLS');
  const secure = await client.startTls(options);
  return { client, secure };
}

test('STARTTLS with the valid certificate verifies against the fixture CA and records the TLS lines', async () => {
  const server = await startProfile('postfix-closed', { tls: 'valid' });
  try {
    const { client, secure } = await upgraded(server.port, { ca: fixtureCa.cert, servername: HOST });
    assert.equal(secure.authorized, true);
    assert.equal(tls.checkServerIdentity('127.0.0.1', secure.getPeerCertificate()), undefined, 'IP SAN 127.0.0.1');
    assert.equal(tls.checkServerIdentity('localhost', secure.getPeerCertificate()), undefined, 'DNS SAN localhost');
    const ehlo = await client.command('EHLO client.example');
    assert.ok(!ehlo.some((l) => l.includes('STARTTLS')), 'no STARTTLS inside TLS');
    assert.equal(await client.ask('STARTTLS'), '554 5.5.1 Error: TLS already active');
    await client.ask('MAIL FROM:<x@example.com>');
    assert.equal(await client.ask('RCPT TO:<r@example.com>'), '554 5.7.1 <r@example.com>: Relay access denied');
    await client.quit();
    const record = server.transcripts[0];
    assert.ok(record);
    assert.equal(record.tls, true);
    assert.deepEqual(record.received, ['EHLO client.example', 'STARTTLS', 'EHLO client.example', 'STARTTLS', 'MAIL FROM:<x@example.com>', 'RCPT TO:<r@example.com>']);
    assert.ok(Buffer.concat(record.rawReceived).toString('latin1').endsWith('RCPT TO:<r@example.com>\r\n'), 'decrypted chunks recorded');
  } finally {
    await server.close();
  }
});

test('plaintext pipelined after STARTTLS is discarded, not run inside TLS (CVE-2011-0411)', async () => {
  const server = await startProfile('open-relay', { tls: 'valid' });
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command('EHLO client.example');
    client.write('STARTTLS\r\nEHLO injected.example\r\nMAIL FROM:<x@example.com>\r\n');
    assert.equal((await client.readReply())[0], '220 2.0.0 Ready to start TLS');
    await client.startTls({ ca: fixtureCa.cert, servername: HOST });
    assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '503 5.5.1 Error: send HELO/EHLO first', 'the injected EHLO did not count');
    await client.quit();
    assert.ok(server.transcripts[0]?.received.includes('EHLO injected.example'), 'the injection is still in the record');
  } finally {
    await server.close();
  }
});

const BROKEN: Array<[TlsVariant, string]> = [
  ['expired', 'CERT_HAS_EXPIRED'],
  ['self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  ['wrong-name', 'ERR_TLS_CERT_ALTNAME_INVALID'],
];

for (const [variant, reason] of BROKEN) {
  test(`STARTTLS with the ${variant} certificate completes the handshake but does not verify (${reason})`, async () => {
    const server = await startProfile('postfix-closed', { tls: variant });
    try {
      const { client, secure } = await upgraded(server.port, { ca: fixtureCa.cert, servername: HOST, rejectUnauthorized: false });
      assert.equal(secure.authorized, false);
      // @types/node says Error; at runtime it is the OpenSSL/Node reason code.
      assert.equal(String(secure.authorizationError), reason);
      assert.equal(secure.getPeerCertificate().fingerprint256, new X509Certificate(certificateFor(variant).cert).fingerprint256);
      const ehlo = await client.command('EHLO client.example');
      assert.equal(ehlo[0], '250-mx.relay-test.example');
      await client.quit();
    } finally {
      await server.close();
    }
  });
}

test('the fixture files are what make-certs.sh documents', () => {
  for (const variant of ['valid', 'expired', 'self-signed', 'wrong-name'] as const) {
    const pem = certificateFor(variant).cert;
    assert.match(pem, /^-----BEGIN CERTIFICATE-----/);
    assert.match(certificateFor(variant).key, /PRIVATE KEY-----/);
  }
  const valid = new X509Certificate(certificateFor('valid').cert);
  assert.ok(valid.checkIssued(new X509Certificate(fixtureCa.cert)));
  assert.ok(new Date(valid.validTo) > new Date('2043-12-31'));
  const expired = new X509Certificate(certificateFor('expired').cert);
  assert.equal(new Date(expired.validTo).toISOString(), '2021-01-01T00:00:00.000Z');
});

test('implicit-tls speaks TLS from the first byte and never offers STARTTLS', async () => {
  const server = await startProfile('implicit-tls');
  try {
    const { client, socket } = await TestClient.connectTls(server.port, { ca: fixtureCa.cert, servername: HOST });
    assert.equal(socket.authorized, true);
    assert.deepEqual(await client.readReply(), ['220 mx.relay-test.example ESMTP Postfix']);
    assert.ok(!(await client.command('EHLO client.example')).some((l) => l.includes('STARTTLS')));
    await client.quit();
    assert.equal(server.transcripts[0]?.tls, true);
  } finally {
    await server.close();
  }
});

test('a plaintext client on implicit-tls gets no greeting and is dropped', async () => {
  const server = await startProfile('implicit-tls');
  try {
    const client = await TestClient.connect(server.port);
    client.write('EHLO client.example\r\n');
    await client.closed;
    assert.ok(!Buffer.concat(client.chunks).toString('latin1').includes('220 '), 'no plaintext greeting');
    assert.equal(server.transcripts[0]?.tls, false);
  } finally {
    await server.close();
  }
});
