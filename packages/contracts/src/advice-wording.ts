// Advice worded for where it is read. The engine writes a verdict's summary, advice and reason
// texts (and vector notes) in the CLI's words ("run again with --send-message --to ..."), and the
// stored result keeps them so (the API and the CLI show them as they are). The web page shows the
// same texts through `forPage`, which names the page's own controls instead ("Also send a test
// message", Recipient, Suite, TLS, Port) and, for settings the page does not offer (HELO name,
// test domain, timeouts, greylist wait, ...), says that the operator of the relayprobe service
// sets them, naming the RELAYPROBE_* variable (DESIGN.md "Server configuration").
//
// Invariants: one table, `PAGE_WORDING`, applied in order (specific phrases before the generic
// row of each flag, so a sentence reads well where one was written for it and no flag survives
// where none was); no page wording contains a `--flag`. A test (packages/contracts/test/
// advice-wording.test.ts) reads the engine's advice sources and fails on a flag with no row here.

/** One row: CLI words, the flags they mention, and what the page says instead. */
export interface PageWording {
  /** The CLI flags this row rewrites ("--send-message", "--to"); empty for a row that rewrites no flag. */
  flags: readonly string[];
  /** The CLI words; global. A match that starts with a capital keeps it in the page wording. */
  cli: RegExp;
  /** The page's words; `$1`, `$2` are the pattern's groups. */
  page: string;
}

const OPERATOR = 'the operator of this relayprobe service';

/** The end of a flag: not followed by more of a flag name. */
const END = '(?![\\w-])';

/** The form's TLS select labels (apps/web form-options.ts TLS_CHOICES; a web test keeps them in step). */
const TLS_LABELS = { auto: 'auto', starttls: 'STARTTLS required', implicit: 'implicit TLS', none: 'none' } as const;
const SUITES = ['quick', 'standard', 'thorough'] as const;

/** A setting the page does not offer: the operator sets it with `variable`. */
function operatorSetting(flag: string, setting: string, variable: string): PageWording[] {
  return [
    // "(--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service)": the engine's own form.
    { flags: [flag], cli: new RegExp(`\\(${flag}, or ${variable} on the web service\\)`, 'g'), page: `(${setting} is set by ${OPERATOR}: ${variable})` },
    { flags: [flag], cli: new RegExp(`\\(${flag}${END}\\)`, 'g'), page: `(${setting}, set by ${OPERATOR}: ${variable})` },
    { flags: [flag], cli: new RegExp(`${flag}${END}`, 'g'), page: `${setting} (set by ${OPERATOR}: ${variable})` },
  ];
}

/** Every rewrite, in the order applied. */
export const PAGE_WORDING: readonly PageWording[] = [
  // Specific phrases of the verdict's advice (packages/engine/src/verdict.ts).
  {
    flags: ['--send-message', '--to'],
    cli: /\b[Rr]un again with --send-message --to an address you control/g,
    page: 'run again with “Also send a test message” ticked and an address you control in its Recipient field',
  },
  {
    flags: ['--helo'],
    cli: /\b[Rr]un again with --helo set to this machine's real host name, one that resolves in DNS \(RELAYPROBE_HELO_NAME on the web service\)/g,
    page: `run again once the HELO name is this relayprobe service's real host name, one that resolves in DNS (${OPERATOR} sets it: RELAYPROBE_HELO_NAME)`,
  },
  {
    // "This machine" is the prober: on the page, the service, not the reader's computer.
    flags: ['--helo'],
    cli: /\buse this machine's real, resolvable host name \(--helo, or RELAYPROBE_HELO_NAME on the web service\)/g,
    page: `use this relayprobe service's real, resolvable host name as its HELO name (${OPERATOR} sets it: RELAYPROBE_HELO_NAME)`,
  },
  {
    flags: ['--timeout'],
    cli: /\b[Rr]un again with a longer --timeout(?![\w-])/g,
    page: `run again once ${OPERATOR} has raised the reply timeout (RELAYPROBE_TIMEOUT)`,
  },
  // The page's controls.
  { flags: ['--send-message', '--to'], cli: /--send-message --to(?![\w-])/g, page: '“Also send a test message” with a Recipient' },
  { flags: ['--send-message'], cli: /--send-message(?![\w-])/g, page: '“Also send a test message”' },
  { flags: ['--to'], cli: /--to(?![\w-])/g, page: 'the Recipient field of “Also send a test message”' },
  ...SUITES.map((suite) => ({ flags: ['--suite'], cli: new RegExp(`--suite ${suite}${END}`, 'g'), page: `“${suite}” under Suite` })),
  { flags: ['--suite'], cli: /--suite(?![\w-])/g, page: 'the Suite choice' },
  ...Object.entries(TLS_LABELS).map(([mode, label]) => ({ flags: ['--tls'], cli: new RegExp(`--tls ${mode}${END}`, 'g'), page: `“${label}” under TLS` })),
  { flags: ['--tls'], cli: /--tls(?![\w-])/g, page: 'the TLS choice' },
  { flags: ['--port'], cli: /--port (\d{1,5})\b/g, page: 'Port $1' },
  { flags: ['--port'], cli: /--port(?![\w-])/g, page: 'the Port field' },
  { flags: ['--json'], cli: /--json(?![\w-])/g, page: '“Download JSON”' },
  // Settings only the operator of the service has.
  ...operatorSetting('--helo', 'the HELO name', 'RELAYPROBE_HELO_NAME'),
  ...operatorSetting('--test-domain', 'the test domain', 'RELAYPROBE_TEST_DOMAIN'),
  ...operatorSetting('--timeout', 'the reply timeout', 'RELAYPROBE_TIMEOUT'),
  ...operatorSetting('--greylist-wait', 'the greylist wait', 'RELAYPROBE_GREYLIST_WAIT'),
  ...operatorSetting('--source-address', 'the source address', 'RELAYPROBE_SOURCE_ADDRESS'),
  ...operatorSetting('--dns-server', 'the DNS server list', 'RELAYPROBE_DNS_SERVERS'),
  // A service variable named without its flag: who sets it.
  { flags: [], cli: /\b(RELAYPROBE_[A-Z_]+) on the web service/g, page: `$1, set by ${OPERATOR}` },
];

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const startsUpper = (text: string) => /^[A-Z]/.test(text);

/** `text` with `rows` applied in order (forPage with the whole table; tests apply rows one by one). */
export function applyWording(text: string, rows: readonly PageWording[]): string {
  let out = text;
  for (const row of rows) {
    out = out.replace(row.cli, (match: string, ...rest: unknown[]) => {
      // replace() passes the groups, then the match's offset (a number), the whole text, ...
      const groups = rest.slice(
        0,
        rest.findIndex((arg) => typeof arg === 'number'),
      );
      const page = row.page.replace(/\$(\d)/g, (_, n: string) => String(groups[Number(n) - 1] ?? ''));
      return startsUpper(match) ? capitalised(page) : page;
    });
  }
  return out;
}

/** `text` (advice, a reason, a summary, a vector note) in the page's words instead of the CLI's. */
export function forPage(text: string): string {
  return applyWording(text, PAGE_WORDING);
}
