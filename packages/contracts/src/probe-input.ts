// The fields a person types to start a probe, checked the same way at every door: the CLI's
// arguments and the API's body (through packages/probe validateProbeOptions) and the web form
// (apps/web input-check.ts, before anything is sent). Each answer is the sentence the API and the
// CLI give, so the form can show it word for word; a test runs one table of inputs through all
// three (apps/server/test/input-agreement.test.ts).
import { escapeForDisplay } from './display-text.js';
import { validateMailbox } from './smtp-syntax.js';
import { parseTarget, type TargetInput } from './target-grammar.js';

/** Result of readTarget: the text as it is stored and shown (blanks trimmed), and what it names. */
export type TargetReading = { ok: true; text: string; target: TargetInput } | { ok: false; code: 'invalid-target'; message: string };

/** Result of parsePort. */
export type PortParseResult = { ok: true; port: number } | { ok: false; code: 'invalid-option'; message: string };

// Only spaces and tabs are forgiven around the target: CR, LF, U+2028 and the like are refused
// (SECURITY.md §2), and so is every blank inside it.
const SURROUNDING_BLANKS = /^[ \t]+|[ \t]+$/g;

/** A typed target: surrounding spaces and tabs removed, then the target grammar (parseTarget). */
export function readTarget(typed: string): TargetReading {
  const text = typed.replace(SURROUNDING_BLANKS, '');
  const parsed = parseTarget(text);
  return parsed.ok ? { ok: true, text, target: parsed.target } : parsed;
}

/** Parse a TCP port: decimal 1–65535, no sign, no leading zeros, nothing else. */
export function parsePort(input: string | number): PortParseResult {
  if (typeof input === 'number') {
    if (Number.isInteger(input) && input >= 1 && input <= 65535) return { ok: true, port: input };
    return { ok: false, code: 'invalid-option', message: `port ${String(input)} is not a whole number from 1 to 65535` };
  }
  if (/^[1-9][0-9]{0,4}$/.test(input)) {
    const port = Number(input);
    if (port <= 65535) return { ok: true, port };
  }
  const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
  return {
    ok: false,
    code: 'invalid-option',
    message: `port "${escapeForDisplay(shown)}" is not a decimal number from 1 to 65535 (no sign, leading zeros or other characters)`,
  };
}

/** Why `to` cannot be the test message's recipient (an RFC 5321 Mailbox), in the API's words; undefined when it can. */
export function recipientRefusal(to: string): string | undefined {
  const problem = validateMailbox(to);
  return problem === null ? undefined : `Invalid recipient "${escapeForDisplay(to.slice(0, 80))}": ${problem}`;
}
