// The verdict's advice in the page's words (advice-wording.ts): every known CLI phrase is
// rewritten, every flag the engine's advice sources mention has a row in the table, and no page
// wording leaves a `--flag` behind, so a new flag in an advice cannot reach the page in CLI words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PAGE_WORDING, REASON_CODES, applyWording, forPage } from '../src/index.js';

/** A CLI flag as the engine's texts write one. */
const FLAG = /--[a-z][a-z-]*/g;
const flagsIn = (text: string) => [...text.matchAll(FLAG)].map((m) => m[0]);

/**
 * Where the texts the page rewrites are written: the verdict's summary, advice and reasons
 * (verdict.ts, reason-codes.ts) and the vector notes of the Evidence table (attempt.ts).
 */
const ADVICE_SOURCES = ['packages/engine/src/verdict.ts', 'packages/contracts/src/reason-codes.ts', 'packages/engine/src/attempt.ts'];
const COMMENT = /^\s*(\/\/|\/?\*)/;

/**
 * The source lines that mention a flag, outside comments, with `\'` unescaped: a literal's words
 * are contiguous in its line, so forPage rewrites the line as it would the text at run time.
 */
function adviceLines(): { file: string; line: string }[] {
  return ADVICE_SOURCES.flatMap((file) =>
    readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => !COMMENT.test(line) && flagsIn(line).length > 0)
      .map((line) => ({ file, line: line.trim().replace(/\\'/g, "'") })),
  );
}

const OP = 'the operator of this relayprobe service';

/** The engine's texts (as verdict.ts and attempt.ts write them at run time) and the page's words for them. */
const ENGINE_TEXTS: readonly [cli: string, page: string][] = [
  [
    'Run again with --send-message --to an address you control to see whether mail is really delivered; mail catchers, honeypots and accept-then-bounce servers answer like this.',
    'Run again with “Also send a test message” ticked and an address you control in its Recipient field to see whether mail is really delivered; mail catchers, honeypots and accept-then-bounce servers answer like this.',
  ],
  [
    'Check whether such messages are delivered or bounced; run again with --send-message --to an address you control to confirm.',
    'Check whether such messages are delivered or bounced; run again with “Also send a test message” ticked and an address you control in its Recipient field to confirm.',
  ],
  [
    "The server refused our HELO name: run again with --helo set to this machine's real host name, one that resolves in DNS (RELAYPROBE_HELO_NAME on the web service).",
    `The server refused our HELO name: run again once the HELO name is this relayprobe service's real host name, one that resolves in DNS (${OP} sets it: RELAYPROBE_HELO_NAME).`,
  ],
  [
    'Run again with a test domain of your own that resolves and is hosted elsewhere (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).',
    `Run again with a test domain of your own that resolves and is hosted elsewhere (the test domain is set by ${OP}: RELAYPROBE_TEST_DOMAIN).`,
  ],
  [
    'The server limits how often a client may connect: wait until its limit resets (often a minute or an hour) and run again, or run the quick suite (--suite quick), which needs one connection.',
    'The server limits how often a client may connect: wait until its limit resets (often a minute or an hour) and run again, or run the quick suite (“quick” under Suite), which needs one connection.',
  ],
  ['The server answered slowly; run again with a longer --timeout.', `The server answered slowly; run again once ${OP} has raised the reply timeout (RELAYPROBE_TIMEOUT).`],
  ['Run again with --tls auto, or check the server’s TLS configuration.', 'Run again with “auto” under TLS, or check the server’s TLS configuration.'],
  ['The server requires STARTTLS before mail; run with --tls auto.', 'The server requires STARTTLS before mail; run with “auto” under TLS.'],
  [
    "The server refused our sender's domain example.com because it could not resolve it, which says nothing about relaying; use a real, resolvable domain of yours that the target does not host (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).",
    `The server refused our sender's domain example.com because it could not resolve it, which says nothing about relaying; use a real, resolvable domain of yours that the target does not host (the test domain is set by ${OP}: RELAYPROBE_TEST_DOMAIN).`,
  ],
  [
    "The server refused our HELO name prober.example (it could not verify it), which says nothing about relaying; use this machine's real, resolvable host name (--helo, or RELAYPROBE_HELO_NAME on the web service).",
    `The server refused our HELO name prober.example (it could not verify it), which says nothing about relaying; use this relayprobe service's real, resolvable host name as its HELO name (${OP} sets it: RELAYPROBE_HELO_NAME).`,
  ],
  [
    // A summary quotes a reason after a colon (verdict.ts lowerFirst).
    'No relay vector was accepted, but the test could not finish: the server refused the test domain example.com itself (domain not found or null MX), which says nothing about relaying; use a real, mail-accepting domain you control that the target does not host (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).',
    `No relay vector was accepted, but the test could not finish: the server refused the test domain example.com itself (domain not found or null MX), which says nothing about relaying; use a real, mail-accepting domain you control that the target does not host (the test domain is set by ${OP}: RELAYPROBE_TEST_DOMAIN).`,
  ],
];

/** The reason registry's texts that name a flag, in the page's words. */
const REASON_TEXTS: Partial<Record<keyof typeof REASON_CODES, string>> = {
  'test-domain-refused': `The server refused the test domain itself (domain not found or null MX); use a real, mail-accepting domain you control that the target does not host (the test domain is set by ${OP}: RELAYPROBE_TEST_DOMAIN).`,
  'sender-domain-refused': `The server refused our sender's domain because it could not resolve it (not a relay refusal); use a real, resolvable test domain (the test domain is set by ${OP}: RELAYPROBE_TEST_DOMAIN).`,
  'helo-name-refused': `The server refused our HELO name because it could not verify it (not a relay refusal); use a real, resolvable host name (the HELO name is set by ${OP}: RELAYPROBE_HELO_NAME).`,
};

/** Each generic row in a sentence of its own (flags the engine may come to use in an advice). */
const GENERIC_TEXTS: readonly [cli: string, page: string][] = [
  ['Tick --send-message --to name a mailbox.', 'Tick “Also send a test message” with a Recipient name a mailbox.'],
  ['The delivery stage (--send-message) was skipped.', 'The delivery stage (“Also send a test message”) was skipped.'],
  ['A recipient (--to) is needed.', 'A recipient (the Recipient field of “Also send a test message”) is needed.'],
  ['Run again with --suite standard.', 'Run again with “standard” under Suite.'],
  ['Run again with --suite thorough.', 'Run again with “thorough” under Suite.'],
  ['Choose another --suite.', 'Choose another the Suite choice.'],
  ['STARTTLS was required (--tls starttls).', 'STARTTLS was required (“STARTTLS required” under TLS).'],
  ['Try --tls implicit on this port.', 'Try “implicit TLS” under TLS on this port.'],
  ['Try --tls none.', 'Try “none” under TLS.'],
  ['Pick another --tls mode.', 'Pick another the TLS choice mode.'],
  ['Try --port 587.', 'Try Port 587.'],
  ['Give the port separately (--port).', 'Give the port separately (the Port field).'],
  ['Keep the result (--json).', 'Keep the result (“Download JSON”).'],
  ['Waiting 300 s (--greylist-wait).', `Waiting 300 s (the greylist wait, set by ${OP}: RELAYPROBE_GREYLIST_WAIT).`],
  ['Raise --greylist-wait.', `Raise the greylist wait (set by ${OP}: RELAYPROBE_GREYLIST_WAIT).`],
  ['Use another (--greylist-wait, or RELAYPROBE_GREYLIST_WAIT on the web service).', `Use another (the greylist wait is set by ${OP}: RELAYPROBE_GREYLIST_WAIT).`],
  ['Use a name (--helo).', `Use a name (the HELO name, set by ${OP}: RELAYPROBE_HELO_NAME).`],
  ['Set --helo to a real name.', `Set the HELO name (set by ${OP}: RELAYPROBE_HELO_NAME) to a real name.`],
  ['Use a domain (--test-domain).', `Use a domain (the test domain, set by ${OP}: RELAYPROBE_TEST_DOMAIN).`],
  ['Set --test-domain to yours.', `Set the test domain (set by ${OP}: RELAYPROBE_TEST_DOMAIN) to yours.`],
  ['Wait longer (--timeout, or RELAYPROBE_TIMEOUT on the web service).', `Wait longer (the reply timeout is set by ${OP}: RELAYPROBE_TIMEOUT).`],
  ['Wait longer (--timeout).', `Wait longer (the reply timeout, set by ${OP}: RELAYPROBE_TIMEOUT).`],
  ['Raise --timeout to wait longer.', `Raise the reply timeout (set by ${OP}: RELAYPROBE_TIMEOUT) to wait longer.`],
  ['Use another address (--source-address, or RELAYPROBE_SOURCE_ADDRESS on the web service).', `Use another address (the source address is set by ${OP}: RELAYPROBE_SOURCE_ADDRESS).`],
  ['Use another address (--source-address).', `Use another address (the source address, set by ${OP}: RELAYPROBE_SOURCE_ADDRESS).`],
  ['Set --source-address.', `Set the source address (set by ${OP}: RELAYPROBE_SOURCE_ADDRESS).`],
  ['Ask another resolver (--dns-server, or RELAYPROBE_DNS_SERVERS on the web service).', `Ask another resolver (the DNS server list is set by ${OP}: RELAYPROBE_DNS_SERVERS).`],
  ['Ask another resolver (--dns-server).', `Ask another resolver (the DNS server list, set by ${OP}: RELAYPROBE_DNS_SERVERS).`],
  ['Set --dns-server.', `Set the DNS server list (set by ${OP}: RELAYPROBE_DNS_SERVERS).`],
  ['Listen elsewhere (RELAYPROBE_PORTS on the web service).', `Listen elsewhere (RELAYPROBE_PORTS, set by ${OP}).`],
];

const EXAMPLES: readonly [cli: string, page: string][] = [
  ...ENGINE_TEXTS,
  ...Object.entries(REASON_TEXTS).map(([code, page]): [string, string] => [REASON_CODES[code as keyof typeof REASON_CODES], page ?? '']),
  ...GENERIC_TEXTS,
];

test("(a) every known phrase of the engine is rewritten in the page's words", () => {
  for (const [cli, page] of ENGINE_TEXTS) assert.equal(forPage(cli), page);
  for (const [code, page] of Object.entries(REASON_TEXTS)) assert.equal(forPage(REASON_CODES[code as keyof typeof REASON_CODES]), page, code);
});

test('(a) each generic row rewrites its flag in a sentence of its own', () => {
  for (const [cli, page] of GENERIC_TEXTS) assert.equal(forPage(cli), page);
});

test("(a) every row of the table is exercised by an example, applied in the table's order", () => {
  const used = new Set<number>();
  for (const [cli] of EXAMPLES) {
    let text = cli;
    PAGE_WORDING.forEach((row, i) => {
      const next = applyWording(text, [row]);
      if (next !== text) used.add(i);
      text = next;
    });
  }
  const unused = PAGE_WORDING.map((row, i) => (used.has(i) ? undefined : row.cli.source)).filter((s) => s !== undefined);
  assert.deepEqual(unused, [], 'rows no example reaches: add an example, or remove the row');
});

test('texts that name no flag and no service variable are left as they are', () => {
  for (const [code, text] of Object.entries(REASON_CODES)) {
    if (flagsIn(text).length === 0 && !text.includes('on the web service')) assert.equal(forPage(text), text, code);
  }
  const plain = 'Restrict relaying to authenticated users and your own networks (Postfix: smtpd_relay_restrictions = permit_mynetworks), then test again.';
  assert.equal(forPage(plain), plain);
  assert.equal(forPage(''), '');
});

test('(b) every flag the advice sources mention has page wording in the table', () => {
  const lines = adviceLines();
  assert.ok(lines.length >= 10, `found ${lines.length} lines with a flag: the scan reads the sources`);
  const mentioned = new Set(lines.flatMap(({ line }) => flagsIn(line)));
  for (const expected of ['--send-message', '--to', '--helo', '--test-domain', '--suite', '--timeout', '--tls']) {
    assert.ok(mentioned.has(expected), `the scan finds ${expected}`);
  }
  const covered = new Set(PAGE_WORDING.flatMap((row) => row.flags));
  const missing = [...mentioned].filter((flag) => !covered.has(flag));
  assert.deepEqual(missing, [], 'flags in advice with no row in PAGE_WORDING (advice-wording.ts)');
  for (const flag of mentioned) assert.deepEqual(flagsIn(forPage(`Run again with ${flag} set.`)), [], flag);
});

test('(c) the page wording leaves no --flag behind', () => {
  for (const row of PAGE_WORDING) assert.deepEqual(flagsIn(row.page), [], row.cli.source);
  for (const { file, line } of adviceLines()) assert.deepEqual(flagsIn(forPage(line)), [], `${file}: ${forPage(line)}`);
  for (const [, page] of EXAMPLES) assert.deepEqual(flagsIn(page), [], page);
  for (const text of Object.values(REASON_CODES)) assert.deepEqual(flagsIn(forPage(text)), [], text);
  for (const text of Object.values(REASON_CODES)) assert.ok(!forPage(text).includes('on the web service'), text);
});

test('rewriting page words again changes nothing', () => {
  for (const [cli] of EXAMPLES) assert.equal(forPage(forPage(cli)), forPage(cli), cli);
});
