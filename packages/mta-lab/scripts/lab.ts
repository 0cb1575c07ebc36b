// Start lab instances by hand and keep them running until Ctrl-C:
//   npm run lab -w @relayprobe/mta-lab -- postfix-open exim-closed
//   npm run lab -w @relayprobe/mta-lab -- --list
// Prints each instance's address, port and log file, so you can point relayprobe or swaks at it.
import { LAB_INSTANCES, labInstance, type LabMta } from '../src/instances.js';
import { EXIM_FLAVOURS } from '../src/exim.js';
import { OPENSMTPD_FLAVOURS } from '../src/opensmtpd.js';
import { POSTFIX_FLAVOURS } from '../src/postfix.js';
import { SENDMAIL_FLAVOURS } from '../src/sendmail.js';
import { startLab } from '../src/lab.js';

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--list')) {
  console.log('Lab instances (src/instances.ts); expected verdicts are in EXPECTED.md:');
  const flavours: Record<LabMta, Record<string, string>> = { postfix: POSTFIX_FLAVOURS, exim: EXIM_FLAVOURS, opensmtpd: OPENSMTPD_FLAVOURS, sendmail: SENDMAIL_FLAVOURS };
  for (const i of LAB_INSTANCES) console.log(`  ${i.id.padEnd(34)} TLS ${i.tls.padEnd(17)} ${flavours[i.mta][i.flavour] ?? i.flavour}`);
  process.exit(args.length === 0 ? 1 : 0);
}
if (process.getuid?.() !== 0) {
  console.error('The lab starts real mail servers and needs root (sudo).');
  process.exit(1);
}
const lab = await startLab();
for (const id of args) {
  const running = await lab.start(labInstance(id));
  console.log(`${id}: ${running.host} port ${running.port}; log ${running.logFile}`);
  console.log(`  try: npx relayprobe ${running.host} --port ${running.port} --source-address 127.0.0.2`);
}
console.log(`Delivery sink: ${lab.sink.host} port ${lab.sink.port} (messages are listed when you stop). Ctrl-C stops everything.`);
process.once('SIGINT', () => {
  void (async () => {
    for (const m of lab.sink.messages) console.log(`sink: from <${m.mailFrom}> to ${m.rcptTo.map((r) => `<${r}>`).join(', ')} via ${m.clientAddress}`);
    await lab.stop();
    process.exit(0);
  })();
});
