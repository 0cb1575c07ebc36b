// The recipient classification every profile answers from: the vector table of RELAY-TESTS.md §2
// and the three controls, against a server owning relay-test.example, its MX name and its literal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLocalDomains, relayIntent, type RelayIntent } from '../src/index.js';

const OWN = ['relay-test.example', 'mx.relay-test.example', '[127.0.0.1]'];
const T = 'mx.relay-test.example';
const IP = '[127.0.0.1]';
const EXT = 'example.com';
const classify = (rcpt: string, from = `<x@${EXT}>`): RelayIntent => relayIntent(from, rcpt, OWN);

test('default local domains are the parent domain and the host name', () => {
  assert.deepEqual(defaultLocalDomains('mx.relay-test.example'), ['relay-test.example', 'mx.relay-test.example']);
  assert.deepEqual(defaultLocalDomains('localhost'), ['localhost']);
  assert.deepEqual(defaultLocalDomains('example.org'), ['example.org']);
});

test('controls: postmaster is local, an unknown local user and a .invalid domain are told apart', () => {
  assert.equal(classify(`<postmaster@${T}>`).kind, 'local');
  assert.equal(classify('<postmaster>').kind, 'local');
  assert.equal(classify('<PostMaster>').kind, 'local');
  assert.equal(classify(`<abuse@RELAY-TEST.EXAMPLE>`).kind, 'local');
  assert.equal(classify(`<info@${IP}>`).kind, 'local');
  assert.equal(classify(`postmaster@${T}`).kind, 'local', 'missing brackets do not make a local address foreign');
  assert.equal(classify(`<random-nonexistent@${T}>`).kind, 'unknown-user');
  assert.equal(classify('<r@nonexistent-domain.invalid>').kind, 'domain-not-found');
  assert.equal(classify('<r@NONEXISTENT.INVALID>').kind, 'domain-not-found');
  assert.equal(classify('<>').kind, 'invalid');
});

test('every relay vector is foreign, with its trick named', () => {
  const cases: Array<[string, string, RelayIntent['tricks'], boolean]> = [
    ['R01', `<r@${EXT}>`, [], false],
    ['R02', `r@${EXT}`, ['no-brackets'], false],
    ['R09', `<"r@${EXT}">`, ['quoted'], false],
    ['R10', `<"r%${EXT}">`, ['quoted'], false],
    ['R11', `<r%${EXT}@${T}>`, ['percent-hack'], true],
    ['R12', `<r%${EXT}@${IP}>`, ['percent-hack'], true],
    ['R13', `<r@${EXT}@${IP}>`, ['double-at'], true],
    ['R14', `<"r@${EXT}"@${IP}>`, ['quoted'], true],
    ['R15', `<r@${EXT}@${T}>`, ['double-at'], true],
    ['R16', `<"r@${EXT}"@${T}>`, ['quoted'], true],
    ['R17', `<@${IP}:r@${EXT}>`, ['source-route'], false],
    ['R18', `<@${T}:r@${EXT}>`, ['source-route'], false],
    ['R19', `<${EXT}!r>`, ['bang-path'], false],
    ['R20', `<${EXT}!r@${IP}>`, ['bang-path'], true],
    ['R21', `<${EXT}!r@${T}>`, ['bang-path'], true],
    ['R22', `<r%${EXT}@>`, ['empty-domain', 'percent-hack'], false],
    ['R23', `<r@${EXT}@>`, ['double-at', 'empty-domain'], false],
  ];
  for (const [id, rcpt, tricks, viaLocal] of cases) {
    const intent = classify(rcpt);
    assert.equal(intent.kind, 'foreign', `${id} ${rcpt}`);
    assert.deepEqual([...intent.tricks].sort(), [...tricks].sort(), `${id} tricks`);
    assert.equal(intent.viaLocalDomain, viaLocal, `${id} viaLocalDomain`);
  }
});

test('only R19, R22 and R23 (and an unqualified name) are domainless', () => {
  const domainless = [`<${EXT}!r>`, `<r%${EXT}@>`, `<r@${EXT}@>`, '<someone>'];
  const withDomain = [`<r@${EXT}>`, `<"r@${EXT}">`, `<"r%${EXT}">`, `<r%${EXT}@${T}>`, `<@${IP}:r@${EXT}>`];
  for (const rcpt of domainless) assert.equal(classify(rcpt).domainless, true, rcpt);
  for (const rcpt of withDomain) assert.equal(classify(rcpt).domainless, false, rcpt);
  assert.deepEqual(classify('<someone>').tricks, ['unqualified']);
  assert.equal(classify('<someone>').kind, 'foreign');
});

test('the address quoted in replies is the recipient without its brackets', () => {
  assert.equal(classify(`<r@${EXT}>`).address, `r@${EXT}`);
  assert.equal(classify(`r@${EXT}`).address, `r@${EXT}`);
  assert.equal(classify(`<@${IP}:r@${EXT}>`).address, `@${IP}:r@${EXT}`);
  assert.equal(classify(`<@${IP}:r@${EXT}>`).domain, EXT);
});

test('senders claiming a local name are flagged (R04-R07), others are not', () => {
  for (const from of ['<x>', `<x@${T}>`, `<x@${IP}>`, '<x@localhost>']) assert.equal(classify(`<r@${EXT}>`, from).senderLocal, true, from);
  for (const from of ['<>', `<x@${EXT}>`, `<${EXT}!x>`]) assert.equal(classify(`<r@${EXT}>`, from).senderLocal, false, from);
});
