// ProbeStore against a real SQLite file in a temp directory: connection settings read back from
// SQLite, migrations, the probe lifecycle, event replay, keyset paging, start-up recovery, the
// atomicity of batches and of the final transaction, backups and refusing a newer schema
// (SECURITY.md §5). The kill -9 check is in probe-store-durability.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ResultDocument } from '@relayprobe/contracts';
import { ProbeStore, type StoredProbe } from '../src/storage/probe-store.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/storage/migrations.js';
import { InvalidCursorError, SchemaTooNewError } from '../src/storage/storage-errors.js';
import { encodeListCursor } from '../src/storage/list-cursor.js';
import { isoAt, sampleEvents, sampleRequest, sampleResult } from './storage/sample-probes.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';

/** Run body with a store in a fresh temp dir; the store is closed and the dir removed after. */
async function withStore(body: (store: ProbeStore, dir: string) => void | Promise<void>): Promise<void> {
  const temp = makeTempDataDir();
  const store = ProbeStore.open(join(temp.dir, 'data'));
  try {
    await body(store, join(temp.dir, 'data'));
  } finally {
    store.close();
    temp.remove();
  }
}

function create(store: ProbeStore, id: string, second = 0): void {
  store.createProbe({ id, createdAt: isoAt(second), target: `${id}.example.org`, request: sampleRequest(`${id}.example.org`) });
}

test('the connection uses WAL, synchronous=FULL, a busy timeout and foreign keys (read back from SQLite)', () => {
  const temp = makeTempDataDir();
  try {
    const dataDir = join(temp.dir, 'nested', 'data');
    const store = ProbeStore.open(dataDir);
    assert.equal(store.path, join(dataDir, 'relayprobe.sqlite'));
    assert.ok(existsSync(store.path), 'mkdir -p, then the file');
    assert.deepEqual(store.connectionSettings(), { journalMode: 'wal', synchronous: 2, busyTimeoutMs: 5000, foreignKeys: true });
    store.close();
    const normal = ProbeStore.open(dataDir, { synchronous: 'NORMAL' });
    assert.equal(normal.connectionSettings().synchronous, 1);
    normal.close();
  } finally {
    temp.remove();
  }
});

test('migrations are applied once and reopening changes nothing', () => {
  const temp = makeTempDataDir();
  try {
    const first = ProbeStore.open(temp.dir);
    assert.equal(first.schemaVersion(), LATEST_SCHEMA_VERSION);
    create(first, 'kept');
    first.close();
    for (let i = 0; i < 2; i++) {
      const again = ProbeStore.open(temp.dir);
      assert.equal(again.getProbe('kept')?.target, 'kept.example.org');
      again.close();
    }
    const raw = new Database(join(temp.dir, 'relayprobe.sqlite'), { readonly: true });
    const versions = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    raw.close();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => m.version),
    );
  } finally {
    temp.remove();
  }
});

test('lifecycle: create, append in batches, finish, then read it all back', () =>
  withStore((store) => {
    const request = sampleRequest('mx.example.org');
    store.createProbe({ id: 'p1', createdAt: isoAt(10), target: 'mx.example.org', request });
    assert.deepEqual(store.getProbe('p1'), { id: 'p1', createdAt: isoAt(10), status: 'running', target: 'mx.example.org', request, lastSeq: 0 });

    store.appendEvents('p1', sampleEvents(1, 4));
    store.appendEvents('p1', []);
    store.appendEvents('p1', sampleEvents(5, 5));
    store.appendEvents('p1', sampleEvents(10, 3));
    assert.equal(store.getProbe('p1')?.lastSeq, 12);
    assert.deepEqual(store.getEvents('p1'), sampleEvents(1, 12));

    const result = sampleResult('p1', request, isoAt(10), isoAt(11));
    // A caller that leaves the events on the result must not get them stored twice.
    const withEvents = { ...result, events: sampleEvents(1, 15) } as Omit<ResultDocument, 'events'>;
    const verdict = { code: 'closed', label: 'Not an open relay' } as const;
    store.finishProbe('p1', { status: 'complete', finishedAt: isoAt(11), verdict, result: withEvents, events: sampleEvents(13, 3) });

    const expected: StoredProbe = {
      id: 'p1',
      createdAt: isoAt(10),
      status: 'complete',
      target: 'mx.example.org',
      request,
      finishedAt: isoAt(11),
      verdict,
      result,
      lastSeq: 15,
    };
    assert.deepEqual(store.getProbe('p1'), expected);
    assert.deepEqual(store.getEvents('p1'), sampleEvents(1, 15));
    assert.deepEqual(store.listProbes({ limit: 10 }), { items: [expected] });

    // A finished result is immutable.
    assert.throws(() => store.appendEvents('p1', sampleEvents(16, 1)), /p1 is complete/);
    assert.throws(() => store.finishProbe('p1', { status: 'interrupted', finishedAt: isoAt(12), events: [] }), /p1 is complete/);
    assert.deepEqual(store.getEvents('p1'), sampleEvents(1, 15));
  }));

test('getEvents returns only events after afterSeq, ascending', () =>
  withStore((store) => {
    create(store, 'p');
    store.appendEvents('p', sampleEvents(1, 6));
    store.appendEvents('p', sampleEvents(7, 6));
    assert.deepEqual(store.getEvents('p', 0), sampleEvents(1, 12));
    assert.deepEqual(store.getEvents('p', 5), sampleEvents(6, 7));
    assert.deepEqual(store.getEvents('p', 11), sampleEvents(12, 1));
    assert.deepEqual(store.getEvents('p', 12), []);
    assert.deepEqual(store.getEvents('unknown'), []);
  }));

test('listing pages newest first with cursors, stable under equal createdAt and new arrivals', () =>
  withStore((store) => {
    // Seconds with ties: three probes at 2 s, two at 3 s.
    const probes: Array<[string, number]> = [
      ['a', 1],
      ['d', 2],
      ['b', 2],
      ['c', 2],
      ['e', 3],
      ['f', 3],
      ['g', 4],
    ];
    for (const [id, second] of probes) create(store, id, second);
    const expectedOrder = ['g', 'f', 'e', 'd', 'c', 'b', 'a'];

    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    do {
      const page = store.listProbes({ limit: 2, ...(before === undefined ? {} : { before }) });
      pages++;
      seen.push(...page.items.map((p) => p.id));
      if (pages === 2) create(store, 'newest', 9); // arrives mid-listing: must not shift later pages
      before = page.next;
    } while (before !== undefined && pages < 10);
    assert.equal(pages, 4, 'pages of 2, 2, 2, 1; the last has no next');
    assert.deepEqual(seen, expectedOrder);

    assert.deepEqual(
      store.listProbes({ limit: 100 }).items.map((p) => p.id),
      ['newest', ...expectedOrder],
    );
    assert.equal(store.listProbes({ limit: 8 }).next, undefined, 'exactly a page full: no next');
  }));

test('an invalid cursor is refused with InvalidCursorError', () =>
  withStore((store) => {
    create(store, 'p');
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const bad = ['not a cursor!', '', b64('hello'), b64('[1,2]'), b64('["2025-01-01", "p"]'), b64('["2025-01-01T00:00:00.000Z"]'), 'A'.repeat(201)];
    for (const before of bad) {
      assert.throws(
        () => store.listProbes({ limit: 5, before }),
        (error: unknown) => error instanceof InvalidCursorError && error.field === 'before' && /cursor is not valid/.test(error.message),
        JSON.stringify(before),
      );
    }
    // A well-formed cursor past everything is an empty last page, not an error.
    assert.deepEqual(store.listProbes({ limit: 5, before: encodeListCursor({ createdAt: isoAt(0), id: 'a' }) }), { items: [] });
    assert.throws(() => store.listProbes({ limit: 0 }), RangeError);
  }));

test('at reopen, interruptRunning marks running probes interrupted and keeps their events', () => {
  const temp = makeTempDataDir();
  try {
    const store = ProbeStore.open(temp.dir);
    create(store, 'older', 1);
    create(store, 'done', 2);
    create(store, 'newer', 3);
    store.appendEvents('older', sampleEvents(1, 3));
    store.appendEvents('newer', sampleEvents(1, 5));
    store.finishProbe('done', { status: 'complete', finishedAt: isoAt(4), events: sampleEvents(1, 2) });
    const doneBefore = store.getProbe('done');
    store.close(); // as if the process died here

    const reopened = ProbeStore.open(temp.dir);
    assert.deepEqual(reopened.interruptRunning(isoAt(60)), ['older', 'newer']);
    for (const [id, count] of [
      ['older', 3],
      ['newer', 5],
    ] as const) {
      const probe = reopened.getProbe(id);
      assert.equal(probe?.status, 'interrupted');
      assert.equal(probe?.finishedAt, isoAt(60));
      assert.equal(probe?.lastSeq, count);
      assert.equal(probe?.verdict, undefined);
      assert.deepEqual(reopened.getEvents(id), sampleEvents(1, count));
    }
    assert.deepEqual(reopened.getProbe('done'), doneBefore);
    assert.deepEqual(reopened.interruptRunning(isoAt(61)), [], 'nothing left running');
    reopened.close();
  } finally {
    temp.remove();
  }
});

test('a duplicate seq throws and its whole batch is rolled back; unknown ids throw', () =>
  withStore((store) => {
    create(store, 'p');
    store.appendEvents('p', sampleEvents(1, 3));
    assert.throws(() => store.appendEvents('p', sampleEvents(3, 2)), /seq 3 of probe p is already stored/);
    assert.throws(() => store.appendEvents('p', [...sampleEvents(4, 2), ...sampleEvents(5, 1)]), /seq 5 of probe p is already stored/);
    assert.throws(() => store.appendEvents('p', [{ ...sampleEvents(4, 1)[0]!, seq: 0 }]), RangeError);
    assert.deepEqual(store.getEvents('p'), sampleEvents(1, 3), 'seq 4 of the failed batches was not kept');
    assert.equal(store.getProbe('p')?.lastSeq, 3);

    assert.throws(() => store.appendEvents('nope', sampleEvents(1, 1)), /no probe with id nope/);
    assert.throws(() => store.appendEvents('nope', []), /no probe with id nope/);
    assert.throws(() => store.finishProbe('nope', { status: 'complete', finishedAt: isoAt(1), events: [] }), /no probe with id nope/);
    assert.throws(() => create(store, 'p'), /probe p already exists/);
    assert.throws(
      () => store.createProbe({ id: 'q', createdAt: '2025-01-01T00:00:00Z', target: 't', request: sampleRequest('t') }),
      /toISOString form/,
      'a timestamp whose text order is not its time order',
    );
  }));

test('finishProbe is one transaction: a failure inside leaves the probe running and writes nothing', () =>
  withStore((store) => {
    const request = sampleRequest('p.example.org');
    create(store, 'p');
    store.appendEvents('p', sampleEvents(1, 3));
    const before = store.getProbe('p');
    const final = {
      status: 'complete' as const,
      finishedAt: isoAt(5),
      verdict: { code: 'open', label: 'Open relay' } as const,
      result: sampleResult('p', request, isoAt(0), isoAt(5)),
    };
    // Seq 5 twice: the failure comes after seq 4 and the state update were already executed.
    assert.throws(() => store.finishProbe('p', { ...final, events: [...sampleEvents(4, 2), ...sampleEvents(5, 1)] }), /already stored/);
    assert.deepEqual(store.getProbe('p'), before, 'still running, no verdict, result or finishedAt');
    assert.deepEqual(store.getEvents('p'), sampleEvents(1, 3), 'no partial events');

    store.finishProbe('p', { ...final, events: sampleEvents(4, 2) });
    assert.equal(store.getProbe('p')?.status, 'complete');
    assert.deepEqual(store.getEvents('p'), sampleEvents(1, 5));
  }));

test('integrity_check says ok', () =>
  withStore((store) => {
    create(store, 'p');
    store.appendEvents('p', sampleEvents(1, 50));
    assert.equal(store.integrityCheck(), 'ok');
  }));

test('backupTo writes a database that opens and holds the same rows, and never overwrites', () =>
  withStore((store, dir) => {
    create(store, 'a', 1);
    create(store, 'b', 2);
    store.appendEvents('a', sampleEvents(1, 7));
    store.finishProbe('a', { status: 'complete', finishedAt: isoAt(3), verdict: { code: 'closed', label: 'Not an open relay' }, events: sampleEvents(8, 2) });
    store.appendEvents('b', sampleEvents(1, 4));

    const backupDir = join(dir, 'backup');
    mkdirSync(backupDir);
    const backupFile = join(backupDir, 'relayprobe.sqlite');
    store.backupTo(backupFile);
    assert.throws(() => store.backupTo(backupFile), /exists/, 'VACUUM INTO refuses an existing file');

    const backup = ProbeStore.open(backupDir);
    try {
      assert.equal(backup.integrityCheck(), 'ok');
      assert.deepEqual(backup.listProbes({ limit: 10 }), store.listProbes({ limit: 10 }));
      assert.equal(backup.listProbes({ limit: 10 }).items.length, 2);
      for (const id of ['a', 'b']) assert.deepEqual(backup.getEvents(id), store.getEvents(id));
      assert.equal(backup.getEvents('a').length, 9);
    } finally {
      backup.close();
    }
  }));

test('close is idempotent, checkpoints the WAL, and later use throws', () => {
  const temp = makeTempDataDir();
  try {
    const store = ProbeStore.open(temp.dir);
    create(store, 'p');
    store.appendEvents('p', sampleEvents(1, 20));
    const walFile = `${store.path}-wal`;
    assert.ok(existsSync(walFile), 'writes went to the WAL');
    store.close();
    store.close();
    assert.ok(!existsSync(walFile), 'WAL checkpointed into the main file and removed');
    assert.throws(() => store.getProbe('p'), /not open/);
    const reopened = ProbeStore.open(temp.dir);
    assert.deepEqual(reopened.getEvents('p'), sampleEvents(1, 20));
    reopened.close();
  } finally {
    temp.remove();
  }
});

test('a database from a newer schema version is refused with a clear message', () => {
  const temp = makeTempDataDir();
  try {
    ProbeStore.open(temp.dir).close();
    const raw = new Database(join(temp.dir, 'relayprobe.sqlite'));
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', '2099-01-01T00:00:00.000Z')").run();
    raw.close();
    assert.throws(
      () => ProbeStore.open(temp.dir),
      (error: unknown) =>
        error instanceof SchemaTooNewError && error.found === 999 && error.known === LATEST_SCHEMA_VERSION && /schema version 999, newer than this relayprobe knows/.test(error.message),
    );
  } finally {
    temp.remove();
  }
});
