// Child process of probe-store-durability.test.ts: opens the store, creates one probe and
// appends batches of events until it is killed. Each line it prints is written only after the
// commit it names returned, so whatever the parent read must survive a SIGKILL.
//   node --import tsx durability-child.ts <dataDir> <probeId> <eventsPerBatch>
import { writeSync } from 'node:fs';
import { ProbeStore } from '../../src/storage/probe-store.js';
import { sampleEvents, sampleRequest } from './sample-probes.js';

/** Upper bound on batches, so an orphaned child ends by itself. */
const MAX_BATCHES = 2000;

const [dataDir, probeId, batchArg] = process.argv.slice(2);
const batchSize = Number(batchArg);
if (dataDir === undefined || probeId === undefined || !Number.isSafeInteger(batchSize) || batchSize < 1) {
  throw new Error('usage: durability-child.ts <dataDir> <probeId> <eventsPerBatch>');
}

// writeSync: the line reaches the pipe before the next commit starts.
const say = (line: string) => writeSync(1, `${line}\n`);
const store = ProbeStore.open(dataDir);
say('opened');
store.createProbe({ id: probeId, createdAt: new Date().toISOString(), target: 'mx.example.org', request: sampleRequest('mx.example.org') });
say('created');
for (let batch = 0; batch < MAX_BATCHES; batch++) {
  const from = batch * batchSize + 1;
  store.appendEvents(probeId, sampleEvents(from, batchSize));
  say(`committed ${from + batchSize - 1}`);
}
store.close();
