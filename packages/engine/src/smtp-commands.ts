// Typed SMTP command builders: the only way the engine produces a line for the wire
// (HOUSE-STYLE rule 5, SECURITY §2).
//
// Invariant: every SmtpCommand line holds only octets 0x20-0x7E, so no caller can smuggle a CR, LF,
// NUL or any other control (nor a non-ASCII character such as U+2028) into the conversation, and
// fits RFC 5321's limits: a command line is at most 512 octets including CRLF (§4.5.3.1.4), a
// message text line at most 1000 (§4.5.3.1.6). Every field that once reached the wire unchecked
// (Python smtplib, Go net/smtp, Nodemailer's EHLO name, MimeKit's quoted local part) was one of
// these. Violations throw UnsafeCommandError: reaching one is a programming error, because user
// input is checked first with the validators (@relayprobe/contracts smtp-syntax.ts).
//
// Paths are taken literally: the relay vectors need deliberately odd ones (`r@ext` without
// brackets, `<"r%ext">`, `<@[IP]:r@ext>`, `<>`), so `mailFrom(path)` writes `MAIL FROM:` + path
// exactly and the caller supplies the angle brackets when wanted.

/** Every command verb we send; BODY marks a line of message text after DATA. */
export type SmtpVerb = 'EHLO' | 'HELO' | 'MAIL' | 'RCPT' | 'RSET' | 'DATA' | 'QUIT' | 'STARTTLS' | 'NOOP' | 'BODY';

/** One line for the wire, without its CRLF. */
export type SmtpCommand = { readonly verb: SmtpVerb; readonly line: string };

/** RFC 5321 §4.5.3.1.4. */
const MAX_COMMAND_LINE_OCTETS = 512;
/** RFC 5321 §4.5.3.1.6. */
const MAX_TEXT_LINE_OCTETS = 1000;

/** A builder was handed a value that must never reach the wire. */
export class UnsafeCommandError extends Error {
  /** Which input was unsafe ("name", "path", "lines[3]", "line"). */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'UnsafeCommandError';
    this.field = field;
  }
}

/** `EHLO name` (RFC 5321 §4.1.1.1). */
export function ehlo(name: string): SmtpCommand {
  return command('EHLO', `EHLO ${token('name', name)}`);
}

/** `HELO name`, the fallback when EHLO is refused (RFC 5321 §4.1.1.1). */
export function helo(name: string): SmtpCommand {
  return command('HELO', `HELO ${token('name', name)}`);
}

/** `MAIL FROM:` + path, exactly as given (RFC 5321 §4.1.1.2). */
export function mailFrom(path: string): SmtpCommand {
  return command('MAIL', `MAIL FROM:${field('path', path)}`);
}

/** `RCPT TO:` + path, exactly as given (RFC 5321 §4.1.1.3). */
export function rcptTo(path: string): SmtpCommand {
  return command('RCPT', `RCPT TO:${field('path', path)}`);
}

const RSET = freeze('RSET', 'RSET');
const DATA = freeze('DATA', 'DATA');
const QUIT = freeze('QUIT', 'QUIT');
const STARTTLS = freeze('STARTTLS', 'STARTTLS');
const NOOP = freeze('NOOP', 'NOOP');

/** `RSET` (RFC 5321 §4.1.1.5). */
export function rset(): SmtpCommand {
  return RSET;
}

/** `DATA` (RFC 5321 §4.1.1.4). */
export function data(): SmtpCommand {
  return DATA;
}

/** `QUIT` (RFC 5321 §4.1.1.10). */
export function quit(): SmtpCommand {
  return QUIT;
}

/** `STARTTLS` (RFC 3207 §4). */
export function starttls(): SmtpCommand {
  return STARTTLS;
}

/** `NOOP` (RFC 5321 §4.1.1.9). */
export function noop(): SmtpCommand {
  return NOOP;
}

/** Message text after DATA: each line dot-stuffed (RFC 5321 §4.5.2), then the "." terminator. */
export function messageLines(lines: readonly string[]): SmtpCommand[] {
  const out: SmtpCommand[] = [];
  lines.forEach((text, i) => {
    const name = `lines[${i}]`;
    checkOctets(name, text);
    // §4.5.2: a line starting with "." gets one more, so no text line can end the message early.
    const stuffed = text.startsWith('.') ? `.${text}` : text;
    checkLength(name, stuffed, MAX_TEXT_LINE_OCTETS);
    out.push(freeze('BODY', stuffed));
  });
  out.push(freeze('BODY', '.'));
  return out;
}

/** The bytes to write: the line and one CRLF. Re-checks the line, since the type is structural. */
export function toWire(cmd: SmtpCommand): string {
  checkOctets('line', cmd.line);
  checkLength('line', cmd.line, cmd.verb === 'BODY' ? MAX_TEXT_LINE_OCTETS : MAX_COMMAND_LINE_OCTETS);
  return `${cmd.line}\r\n`;
}

function command(verb: SmtpVerb, line: string): SmtpCommand {
  checkLength('line', line, MAX_COMMAND_LINE_OCTETS);
  return freeze(verb, line);
}

function freeze(verb: SmtpVerb, line: string): SmtpCommand {
  return Object.freeze({ verb, line });
}

/** A non-empty value with only safe octets. */
function field(name: string, value: string): string {
  if (value.length === 0) throw new UnsafeCommandError(name, `SMTP command ${name} is empty`);
  checkOctets(name, value);
  return value;
}

/** A field that must be one word: a space would let it carry extra arguments. */
function token(name: string, value: string): string {
  field(name, value);
  if (value.includes(' ')) throw new UnsafeCommandError(name, `SMTP command ${name} contains a space`);
  return value;
}

function checkOctets(name: string, value: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      const hex = c.toString(16).toUpperCase().padStart(4, '0');
      throw new UnsafeCommandError(name, `SMTP command ${name} contains U+${hex} at index ${i}; only octets 0x20-0x7E may be sent`);
    }
  }
}

function checkLength(name: string, line: string, maxWithCrlf: number): void {
  if (line.length + 2 > maxWithCrlf) {
    throw new UnsafeCommandError(name, `SMTP line is ${line.length + 2} octets with CRLF; RFC 5321 allows ${maxWithCrlf}`);
  }
}

/** Whether MAIL FROM and RCPT TO with these paths stay within RFC 5321's 512-octet command line. */
export function fitsCommandLine(mailFrom: string, rcptTo: string): boolean {
  return 'MAIL FROM:'.length + mailFrom.length + 2 <= MAX_COMMAND_LINE_OCTETS && 'RCPT TO:'.length + rcptTo.length + 2 <= MAX_COMMAND_LINE_OCTETS;
}
