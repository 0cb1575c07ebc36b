// Changing a running Postfix instance's configuration the way an administrator does: edit
// main.cf, then `postfix reload` (SIGHUP to master). The instance runs in a PID namespace of its
// own (postfix.ts), where `postfix reload` from outside would read a namespaced pid from
// master.pid; so master is found by its working directory (it chdirs to its queue directory) and
// signalled directly. Done when master logs "reload", a state, not a sleep: master then retires
// the old smtpd processes (they exit when their status pipe closes) and new sessions read the
// new main.cf.
import { readFileSync, readdirSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { overlay } from './postfix.js';
import type { RunningInstance } from './lab.js';

const reloads = (log: string) => (log.match(/postfix\/master\[\d+\]: reload /g) ?? []).length;

/** The pid (in our namespace) of the master whose working directory is `queue`. */
function masterPid(queue: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'master' && readlinkSync(`/proc/${entry}/cwd`) === queue) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  throw new Error(`no Postfix master runs in ${queue}`);
}

/** Apply `settings` ("name = value" lines; each replaces the setting of that name) to main.cf and reload. */
export async function reconfigurePostfix(running: RunningInstance, settings: string): Promise<void> {
  if (running.instance.mta !== 'postfix') throw new Error(`${running.instance.id} is not a Postfix instance`);
  const stateDir = dirname(running.logFile);
  const main = join(stateDir, 'etc', 'main.cf');
  writeFileSync(main, overlay(readFileSync(main, 'utf8'), `# --- changed by the test\n${settings}\n`));
  // Postfix rereads a main.cf younger than a few seconds until it settles: age it (postfix.ts).
  const past = new Date(Date.now() - 60_000);
  utimesSync(main, past, past);
  const before = reloads(readFileSync(running.logFile, 'utf8'));
  process.kill(masterPid(join(stateDir, 'spool')), 'SIGHUP');
  const bound = Date.now() + 20_000;
  while (reloads(readFileSync(running.logFile, 'utf8')) <= before) {
    if (Date.now() > bound) throw new Error(`${running.instance.id}: master never logged its reload\n${readFileSync(running.logFile, 'utf8').split('\n').slice(-10).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
