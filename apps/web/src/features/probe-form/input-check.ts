// Checking the form before anything is sent, with the same code the server runs (SECURITY.md §1
// and §2): the target grammar and the recipient's mailbox rule live once, in the contracts
// (probe-input.ts), so the form accepts exactly what POST /api/v1/probes accepts and refuses what
// it refuses, in the API's words, shown through forPage like every other text of the API's
// (the page's Port field instead of the CLI's --port). apps/server/test/input-agreement.test.ts
// runs one table of inputs through the CLI, the API and this file.
import { MAX_TARGET_LENGTH, forPage, parsePort, readTarget, recipientRefusal, type CreateProbeBody } from '@relayprobe/contracts';
import { probeBody } from '../../api/probe-body.js';
import type { FormFields } from '../../store/form-slice.js';

/** The request body, or what is wrong and in which field. */
export type FormCheck = { ok: true; body: CreateProbeBody } | { ok: false; field: keyof FormFields; message: string };

/** Characters as JSON Schema's maxLength counts them (code points), which the API's body schema applies first. */
const schemaLength = (text: string) => [...text].length;

/** What is wrong with the target as typed, or undefined when it may be sent. */
export function targetProblem(target: string): string | undefined {
  // The API's body schema refuses these two before its grammar does, in JSON Schema's words
  // ('"target" must NOT have fewer than 1 characters'); a form says it for people instead.
  if (target === '') return 'Enter a mail server: a host name, IP address, domain or e-mail address.';
  const length = schemaLength(target);
  if (length > MAX_TARGET_LENGTH) return `The mail server is ${length} characters long; the limit is ${MAX_TARGET_LENGTH}.`;
  const read = readTarget(target);
  return read.ok ? undefined : forPage(read.message);
}

/** What is wrong with the port, or undefined. Decimal 1–65535, no sign or leading zero, as the CLI's --port. */
export function portProblem(port: string): string | undefined {
  return parsePort(port).ok ? undefined : 'The port must be a whole number from 1 to 65535.';
}

/** What is wrong with the optional recipient of the test message, or undefined. */
export function recipientProblem(to: string): string | undefined {
  if (to === '') return undefined;
  const refusal = recipientRefusal(to);
  return refusal === undefined ? undefined : forPage(refusal);
}

/** Check the whole form; on success, the body for POST /api/v1/probes. */
export function checkForm(fields: FormFields): FormCheck {
  const target = targetProblem(fields.target);
  if (target) return { ok: false, field: 'target', message: target };
  const port = portProblem(fields.port);
  if (port) return { ok: false, field: 'port', message: port };
  const to = fields.sendMessage ? recipientProblem(fields.to) : undefined;
  if (to) return { ok: false, field: 'to', message: to };
  return { ok: true, body: probeBody({ ...fields, port: Number(fields.port) }) };
}
