// IDN targets: the target grammar converts names with the WHATWG URL host parser (the URL class,
// so that the web form runs it in the browser), where it used Node's url.domainToASCII. Node
// implements domainToASCII as that same parser (the host of a "ws:" URL); this test keeps the
// grammar's answers what they were: for each name, domainToASCII then the LDH check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainToASCII } from 'node:url';
import { checkHostName, parseTarget } from '../src/index.js';

const NAMES = [
  'bücher.example',
  'MÜNCHEN.example',
  'faß.de',
  '例え.テスト',
  'xn--bcher-kva.example',
  'ü',
  'ü.',
  'x.ü。y',
  'ü-.ex',
  '-ü.ex',
  'Ⅷ.example',
  'ﬀ.example',
  'İ.ex',
  'K.ex',
  'ü\ufe0f.ex',
  'ü１.ex',
  `${'ü'.repeat(70)}.ex`,
  'ü..x',
  '.ü',
  '１２７.０.０.１',
  '０x7f.1',
  '１.２',
  'ü.123',
  'ü.0x1',
  'ü.xn--',
  'xn--zz.ü',
  'a․b',
  'ü／b.ex',
  'ü％41.ex',
  'ü＠b',
];

test('IDN names: the same host, or a refusal, as with url.domainToASCII', () => {
  for (const name of NAMES) {
    const ascii = domainToASCII(name);
    const checked = ascii === '' ? undefined : checkHostName(ascii);
    const parsed = parseTarget(name);
    if (checked?.ok) {
      assert.deepEqual(parsed, { ok: true, target: { kind: 'host', host: checked.host } }, name);
    } else {
      assert.equal(parsed.ok, false, `${name} (domainToASCII: ${JSON.stringify(ascii)})`);
      if (!parsed.ok) assert.match(parsed.message, ascii === '' ? /not a valid internationalised domain name/ : /not a valid host name/, name);
    }
  }
});
