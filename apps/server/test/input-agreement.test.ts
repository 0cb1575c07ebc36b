// One input grammar, three doors (issue 8, item 3): every row of helpers/typed-inputs.ts goes
// through the CLI (main(), as `relayprobe --deny-private --json --port 2525 -- <target>`), the
// API (POST /api/v1/probes on a real server) and the web form's check (checkForm), and the three
// must agree with each other and with the table: accepted or refused; where accepted, the same
// name or address (what the probe resolved, or the address the policy then refused); where
// refused by the grammar, the same sentence (the form shows it through forPage, the page's words
// for CLI flags). Refusals by the API's body schema (empty, over 320 characters) are in JSON
// Schema's words, which the CLI and the form do not copy; those rows check the refusal only.
//
// The operator's settings that reach the wire (the HELO name, the test domain) follow the same
// rules as --helo / --test-domain on the CLI and RELAYPROBE_HELO_NAME / RELAYPROBE_TEST_DOMAIN
// on the server, with the same sentence.
//
// Nothing connects anywhere: DNS is a resolver that fails every query (a name ends unreachable)
// and every IP literal in the table is a special-purpose address, which the default policy of
// both the server and `--deny-private` refuses before connecting (checked below first).
//
// The CLI and the web app are not libraries, so their modules are imported from their sources
// (tsconfig.test.json's rootDir is the repository for that reason).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { forPage, type ResultDocument } from '@relayprobe/contracts';
import { isPrivateOrSpecial } from '@relayprobe/probe';
import { main } from '../../../packages/cli/src/main.js';
import { checkForm } from '../../web/src/features/probe-form/input-check.js';
import { INITIAL_FORM } from '../../web/src/store/form-slice.js';
import { loadConfig } from '../src/config.js';
import { HELO_ROWS, RECIPIENT_ROWS, TARGET_ROWS, TEST_DOMAIN_ROWS, type SettingRow } from './helpers/typed-inputs.js';
import { TEST_ENV, noDns, postProbe, startTestServer, waitForResult } from './helpers/server-under-test.js';

const PORT = 2525;

/** What the CLI did: exit 5 (unreachable: the grammar accepted a name) with the result document, or its one-line refusal. */
type CliAnswer = { exit: number; result?: ResultDocument; message?: string };
/** What the API answered: the finished probe's result after a 201, or the error. */
type ApiAnswer = { status: number; result?: ResultDocument; error?: { code: string; message: string; field?: string } };

/** "host:NAME" or "email:DOMAIN": what the probe resolved. */
const resolved = (result: ResultDocument | undefined) => (result?.resolution ? `${result.resolution.kind}:${result.resolution.domain ?? ''}` : undefined);

for (const row of TARGET_ROWS) {
  if (row.expected.kind === 'ip' && !isPrivateOrSpecial(row.expected.address)) {
    throw new Error(`typed-inputs.ts: ${row.input} is a public address; the tests would connect to it. Use a documentation or loopback address.`);
  }
}

const server = await startTestServer({ RELAYPROBE_ALLOW_TARGETS: undefined }, { resolver: noDns });
after(() => server.close());

/** `relayprobe --deny-private --json --port 2525 ARGS`, in process, with DNS that fails. */
async function throughCli(args: string[]): Promise<CliAnswer> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => void (stdout += s), isTTY: false },
    stderr: { write: (s: string) => void (stderr += s), isTTY: false },
    env: {},
    extraOptions: { resolver: noDns },
  };
  const exit = await main(['--deny-private', '--json', '--port', String(PORT), ...args], io);
  if (exit === 5) return { exit, result: JSON.parse(stdout) as ResultDocument };
  const message = /^relayprobe: (.*) \(see relayprobe --help\)\n$/s.exec(stderr)?.[1];
  return { exit, ...(message !== undefined ? { message } : {}) };
}

/** POST /api/v1/probes with port 2525 and `body`; after a 201, the probe's result once it is done. */
async function throughApi(body: Record<string, unknown>): Promise<ApiAnswer> {
  const response = await postProbe(server.base, { port: PORT, ...body });
  if (response.status === 201) return { status: 201, result: await waitForResult(server.base, response.body.id as string) };
  return { status: response.status, error: response.body.error };
}

test('every target: the CLI, the API and the web form agree with each other and with the table', async () => {
  for (const { input, expected } of TARGET_ROWS) {
    const what = JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input);
    const form = checkForm({ ...INITIAL_FORM, target: input, port: String(PORT) });
    const cli = await throughCli(['--', input]);
    const api = await throughApi({ target: input });
    const answers = `${what}: CLI ${JSON.stringify({ ...cli, result: resolved(cli.result) })}, API ${JSON.stringify({ ...api, result: resolved(api.result) })}, form ${JSON.stringify(form)}`;

    switch (expected.kind) {
      case 'host':
      case 'email': {
        assert.ok(form.ok, answers);
        // The form sends what was typed, so the API's answer is its answer to the form.
        assert.equal(form.body.target, input, answers);
        assert.equal(api.status, 201, answers);
        assert.equal(cli.exit, 5, answers);
        assert.equal(resolved(api.result), `${expected.kind}:${expected.host}`, answers);
        assert.equal(resolved(cli.result), `${expected.kind}:${expected.host}`, answers);
        break;
      }
      case 'ip': {
        // The grammar accepted it; the address policy then names the canonical address and refuses it.
        assert.ok(form.ok, answers);
        assert.equal(form.body.target, input, answers);
        assert.equal(api.status, 403, answers);
        assert.equal(api.error?.code, 'address-refused', answers);
        assert.ok(api.error.message.startsWith(`${expected.address} `), answers);
        assert.equal(cli.exit, 1, answers);
        assert.equal(cli.message, api.error.message, answers);
        break;
      }
      case 'refused': {
        assert.equal(form.ok, false, answers);
        assert.equal(api.status, 400, answers);
        assert.equal(api.error?.code, expected.by === 'schema' ? 'invalid-request' : 'invalid-target', answers);
        assert.equal(api.error.field, 'target', answers);
        assert.equal(cli.exit, 1, answers);
        assert.ok(cli.message, answers);
        if (!form.ok) assert.equal(form.field, 'target', answers);
        if (expected.by === 'grammar') {
          assert.equal(cli.message, api.error.message, `${answers}: the CLI and the API word the refusal alike`);
          if (!form.ok) assert.equal(form.message, forPage(api.error.message), `${answers}: the form shows the API's sentence`);
        }
        break;
      }
    }
  }
});

test('every recipient of the test message: the CLI, the API and the web form agree', async () => {
  for (const { to, refusedBy } of RECIPIENT_ROWS) {
    const form = checkForm({ ...INITIAL_FORM, target: 'mail.example.com', port: String(PORT), sendMessage: true, to });
    const cli = await throughCli(['--send-message', '--to', to, '--', 'mail.example.com']);
    const api = await throughApi({ target: 'mail.example.com', sendMessage: true, to });
    const answers = `${JSON.stringify(to)}: CLI ${JSON.stringify({ ...cli, result: resolved(cli.result) })}, API ${JSON.stringify({ ...api, result: resolved(api.result) })}, form ${JSON.stringify(form)}`;
    if (refusedBy === undefined) {
      assert.ok(form.ok, answers);
      assert.equal(form.body.to, to, answers);
      assert.equal(api.status, 201, answers);
      assert.equal(cli.exit, 5, answers);
      continue;
    }
    assert.equal(form.ok, false, answers);
    assert.equal(api.status, 400, answers);
    assert.equal(api.error?.code, refusedBy === 'schema' ? 'invalid-request' : 'invalid-option', answers);
    assert.equal(api.error.field, 'to', answers);
    assert.equal(cli.exit, 1, answers);
    assert.ok(cli.message, answers);
    if (!form.ok) assert.equal(form.field, 'to', answers);
    if (refusedBy === 'grammar') {
      assert.equal(cli.message, api.error.message, `${answers}: the CLI and the API word the refusal alike`);
      if (!form.ok) assert.equal(form.message, forPage(api.error.message), `${answers}: the form shows the API's sentence`);
    }
  }
});

/** Each setting through the CLI flag and the server's variable: accepted by both or refused by both, for the same reason. */
async function settingAgreement(rows: readonly SettingRow[], flag: string, variable: string, cliWords: string): Promise<void> {
  for (const { value, accepted } of rows) {
    const cli = await throughCli([flag, value, '--', 'mail.example.com']);
    const config = loadConfig({ ...TEST_ENV, [variable]: value });
    const answers = `${flag} / ${variable} ${JSON.stringify(value)}: CLI ${JSON.stringify({ ...cli, result: resolved(cli.result) })}, config ${JSON.stringify(config.ok ? 'ok' : config.errors)}`;
    if (accepted) {
      assert.equal(cli.exit, 5, answers);
      assert.ok(config.ok, answers);
      continue;
    }
    assert.equal(cli.exit, 1, answers);
    assert.ok(!config.ok, answers);
    // "Invalid HELO name "x": <reason>" and "RELAYPROBE_HELO_NAME="x": <reason>": the same reason.
    const reason = cli.message?.replace(new RegExp(`^${cliWords} "[^]*?": `), '');
    assert.ok(reason && reason !== cli.message, answers);
    assert.equal(config.errors.length, 1, answers);
    assert.ok(config.errors[0]?.startsWith(`${variable}=`) && config.errors[0].endsWith(`: ${reason}`), answers);
  }
}

test('the HELO name: --helo and RELAYPROBE_HELO_NAME take the same names and refuse the rest for the same reason', () =>
  settingAgreement(HELO_ROWS, '--helo', 'RELAYPROBE_HELO_NAME', 'Invalid HELO name'));

test('the test domain: --test-domain and RELAYPROBE_TEST_DOMAIN agree', () => settingAgreement(TEST_DOMAIN_ROWS, '--test-domain', 'RELAYPROBE_TEST_DOMAIN', 'Invalid test domain'));
