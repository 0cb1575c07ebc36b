// Command builders: the exact lines they produce, dot-stuffing, and the CRLF toWire adds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { data, ehlo, helo, mailFrom, messageLines, noop, quit, rcptTo, rset, starttls, toWire, type SmtpCommand } from '../src/smtp-commands.js';

describe('command builders: exact lines', () => {
  const cases: [SmtpCommand, SmtpCommand][] = [
    [ehlo('relayprobe.example.org'), { verb: 'EHLO', line: 'EHLO relayprobe.example.org' }],
    [ehlo('[192.0.2.7]'), { verb: 'EHLO', line: 'EHLO [192.0.2.7]' }],
    [helo('relayprobe.example.org'), { verb: 'HELO', line: 'HELO relayprobe.example.org' }],
    [mailFrom('<x@ext.example>'), { verb: 'MAIL', line: 'MAIL FROM:<x@ext.example>' }],
    [mailFrom('<>'), { verb: 'MAIL', line: 'MAIL FROM:<>' }],
    [mailFrom('<ext.example!x>'), { verb: 'MAIL', line: 'MAIL FROM:<ext.example!x>' }],
    [rcptTo('<r@ext.example>'), { verb: 'RCPT', line: 'RCPT TO:<r@ext.example>' }],
    // Relay vectors need odd paths, written exactly as given (RELAY-TESTS §2).
    [rcptTo('r@ext.example'), { verb: 'RCPT', line: 'RCPT TO:r@ext.example' }],
    [rcptTo('<"r%ext.example">'), { verb: 'RCPT', line: 'RCPT TO:<"r%ext.example">' }],
    [rcptTo('<@[192.0.2.1]:r@ext.example>'), { verb: 'RCPT', line: 'RCPT TO:<@[192.0.2.1]:r@ext.example>' }],
    [rcptTo('<r@ext.example@>'), { verb: 'RCPT', line: 'RCPT TO:<r@ext.example@>' }],
    [rset(), { verb: 'RSET', line: 'RSET' }],
    [data(), { verb: 'DATA', line: 'DATA' }],
    [quit(), { verb: 'QUIT', line: 'QUIT' }],
    [starttls(), { verb: 'STARTTLS', line: 'STARTTLS' }],
    [noop(), { verb: 'NOOP', line: 'NOOP' }],
  ];
  for (const [actual, expected] of cases) {
    it(expected.line, () => {
      assert.deepEqual(actual, expected);
      assert.ok(Object.isFrozen(actual), 'commands are immutable values');
    });
  }

  it('toWire appends exactly one CRLF', () => {
    assert.equal(toWire(mailFrom('<x@ext.example>')), 'MAIL FROM:<x@ext.example>\r\n');
    assert.equal(toWire(quit()), 'QUIT\r\n');
  });

  it('EHLO and HELO names must be one non-empty word; paths must not be empty', () => {
    assert.throws(() => ehlo(''), { name: 'UnsafeCommandError', field: 'name' });
    assert.throws(() => ehlo('a.example SIZE=1'), { name: 'UnsafeCommandError', field: 'name' });
    assert.throws(() => helo('a b'), { name: 'UnsafeCommandError', field: 'name' });
    assert.throws(() => mailFrom(''), { name: 'UnsafeCommandError', field: 'path' });
    assert.throws(() => rcptTo(''), { name: 'UnsafeCommandError', field: 'path' });
  });
});

describe('messageLines: dot-stuffing (RFC 5321 §4.5.2)', () => {
  it('doubles a leading dot, leaves other lines alone, and ends with "."', () => {
    const lines = messageLines(['Subject: relayprobe test', '', '.', '..two', '.hidden', 'a.b', ' .space first', 'end.']);
    assert.deepEqual(
      lines.map((c) => c.line),
      ['Subject: relayprobe test', '', '..', '...two', '..hidden', 'a.b', ' .space first', 'end.', '.'],
    );
    assert.ok(lines.every((c) => c.verb === 'BODY'));
  });

  it('an empty message is just the terminator', () => {
    assert.deepEqual(messageLines([]), [{ verb: 'BODY', line: '.' }]);
  });

  it('a lone "." in the text can never end the message early', () => {
    const wire = messageLines(['first', '.', 'last']).map(toWire).join('');
    assert.equal(wire, 'first\r\n..\r\nlast\r\n.\r\n');
    assert.equal(wire.indexOf('\r\n.\r\n'), wire.length - 5);
  });
});
