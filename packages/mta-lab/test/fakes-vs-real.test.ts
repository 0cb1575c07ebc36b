// Every testkit profile that imitates a real server is checked against that real server: the
// same probe against the fake and against the lab instance must give the same outcome for every
// vector and the same verdict. When they disagree, the fake is wrong (it was written to fit the
// spec); fix the fake, citing what the real server said.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, type ProfileName } from '@relayprobe/testkit';
import { runProbe, type ProbeOptions } from '@relayprobe/probe';
import type { ResultDocument } from '@relayprobe/contracts';
import { labInstance } from '../src/instances.js';
import { startLab, type Lab } from '../src/lab.js';
import { LAB_HELO } from './lab-runner.js';

/** Fake profile -> the lab instance it imitates. */
const PAIRS: [ProfileName, string][] = [
  ['open-relay', 'postfix-open'],
  ['postfix-closed', 'postfix-closed'],
  ['implicit-tls', 'postfix-closed-implicit'],
  ['postfix-default', 'postfix-default-454'],
  ['accept-all', 'postfix-accept-all-bounce'],
  ['starttls-required', 'postfix-open-starttls-required'],
  ['percent-hack-only', 'postfix-percent-hack'],
  ['opensmtpd-closed', 'opensmtpd-closed'],
  ['exim-closed', 'exim-closed'],
  ['sendmail-closed', 'sendmail-closed'],
];

let lab: Lab;
before(async () => {
  if (process.getuid?.() !== 0) throw new Error('The real-MTA lab needs root.');
  lab = await startLab();
});
after(async () => lab?.stop());

const base = (target: string, port: number): ProbeOptions => ({
  target,
  port,
  allowedPorts: 'any',
  allowPrivate: true,
  helo: LAB_HELO,
  timeoutSeconds: 10,
  greylistWaitSeconds: 0,
  suite: 'standard',
  resolver: { resolveMx: () => Promise.reject(new Error('no DNS')), resolve4: () => Promise.reject(new Error('no DNS')), resolve6: () => Promise.reject(new Error('no DNS')) },
});

async function probe(options: ProbeOptions): Promise<ResultDocument> {
  const outcome = await runProbe(options);
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.result;
}

const outcomes = (r: ResultDocument) => Object.fromEntries(r.vectors.map((v) => [v.key, v.outcome]));

for (const [profile, instanceId] of PAIRS) {
  test(`the fake "${profile}" answers like the real ${instanceId}, vector by vector`, async () => {
    const fake = await startProfile(profile, { tls: 'valid' });
    const real = await lab.start(labInstance(instanceId));
    try {
      const [fromFake, fromReal] = await Promise.all([probe(base('127.0.0.1', fake.port)), probe({ ...base(real.host, real.port), sourceAddress: '127.0.0.2' })]);
      assert.deepEqual(outcomes(fromFake), outcomes(fromReal), `per-vector outcomes, fake ${profile} (left) vs real ${instanceId} (right)`);
      assert.equal(fromFake.verdict?.code, fromReal.verdict?.code);
    } finally {
      await fake.close();
      await real.stop();
    }
  });
}
