// Runs probes on the server, independent of any viewer (closing a browser changes nothing). The
// manager composes four pieces, each with one job and no knowledge of the others:
// - admission.ts: may this probe be accepted (shutdown, per-target limits, room in the queue);
// - probe-queue.ts: at most maxConcurrent run, the others wait in order;
// - viewer-hub.ts: each live probe's events and viewers (replay, then live, then `done`);
// - event-writer.ts: rows, events and final states to SQLite in group commits.
// Write model (SECURITY.md §5): the row is committed before anything connects; events are
// published to live viewers at once and appended to storage in small batches; the final state
// and the last events are one transaction, and viewers get `done` only after it.
//
// Invariants: a probe is live (in `live` and in the hub) from its row's commit until its final
// commit; it holds its admission until then too, so the queue never holds more than admission
// allowed.
import type { CreateProbeBody, DoneMessage, ProbeEvent, Resolution, ResultDocument } from '@relayprobe/contracts';
import { VERDICT_LABELS, toSafeJson } from '@relayprobe/contracts';
import {
  createAddressPolicy,
  createSystemResolver,
  prepareProbe,
  runPreparedProbe,
  type AddressPolicy,
  type AddressPolicyOptions,
  type DnsResolver,
  type PreparedProbe,
  type ProbeOptions,
} from '@relayprobe/probe';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import type { ProbeStore } from '../storage/probe-store.js';
import type { Metrics } from '../metrics.js';
import { TargetLimits } from './target-limits.js';
import { Admission, preparationRefusal, type Admitted, type Refusal } from './admission.js';
import { ProbeQueue } from './probe-queue.js';
import { ViewerHub, type Viewer, type Watching } from './viewer-hub.js';
import { FinishedResults } from './finished-results.js';
import { EventWriter } from './event-writer.js';
import { resultDocument } from './result-view.js';
import { allowlistedAddresses, probeLogFields } from './probe-log.js';
import { StorageHealth } from './storage-health.js';
import { probeOptionsOf } from './probe-request-options.js';
import { RESTART_CLOSE } from '../http/websocket-shutdown.js';

interface LiveProbe {
  id: string;
  prepared: PreparedProbe;
  admitted: Admitted;
  abort: AbortController;
  startedAt: number;
}

export type StartOutcome = { ok: true; id: string } | Refusal;

export interface ProbeManagerOptions {
  store: ProbeStore;
  config: ServerConfig;
  metrics: Metrics;
  log: FastifyBaseLogger;
  resolver?: DnsResolver | undefined;
  trustedCa?: string | undefined;
  /** Link to a result, as shown in messages. */
  linkTo: (id: string) => string;
  /** What one probe's result may store (tests); default the engine's. */
  resultLimits?: ProbeOptions['resultLimits'] | undefined;
  /** First wait before a failed write is tried again (tests shorten it; default event-writer.ts's). */
  storageRetryMs?: number | undefined;
}

export class ProbeManager {
  private readonly live = new Map<string, LiveProbe>();
  /** Who waits for a live probe's end (watch runs), told after its viewers. */
  private readonly endListeners = new Map<string, (() => void)[]>();
  private readonly admission: Admission;
  private readonly queue: ProbeQueue<LiveProbe>;
  private readonly hub: ViewerHub;
  /** Results that are not live, as the text they are served as (built once for a finished one). */
  private readonly results: FinishedResults;
  private readonly writer: EventWriter;
  private readonly resolver: DnsResolver;
  /** Where probes may connect: the server never allows private ranges, only RELAYPROBE_ALLOW_TARGETS. */
  private readonly addressRules: AddressPolicyOptions;
  /** The same rules as a policy, to tell which addresses only the allowlist lets through (for the log). */
  private readonly policy: AddressPolicy;
  private readonly storage: StorageHealth;
  /** Resolves when shutdown begins: starts still resolving DNS give up then (a 503, not a late 201). */
  private readonly stopping: Promise<'stopping'>;
  private beginStopping!: () => void;

  constructor(private readonly options: ProbeManagerOptions) {
    const { config, store, log } = options;
    this.addressRules = { allowPrivate: false, allowCidrs: config.allowTargets };
    const policy = createAddressPolicy(this.addressRules);
    // config.ts validated the CIDRs with this very function.
    if (!policy.ok) throw new Error(`bug: RELAYPROBE_ALLOW_TARGETS passed validation but ${policy.message}`);
    this.policy = policy.policy;
    this.admission = new Admission({ capacity: config.maxConcurrent + config.maxQueue, targetHourlyLimit: config.targetHourlyLimit, linkTo: options.linkTo });
    this.queue = new ProbeQueue(config.maxConcurrent, (entry) => this.run(entry));
    this.results = new FinishedResults(store);
    this.hub = new ViewerHub(this.results);
    this.writer = new EventWriter({
      store,
      onWriteFailed: (error, retryInMs) =>
        log.error(
          { err: error },
          retryInMs === undefined ? 'storing to the database failed' : `storing to the database failed; what waits stays in memory and is tried again in ${retryInMs / 1000} s`,
        ),
      onRecovered: () => log.info('storing to the database works again; new probes are accepted'),
      ...(options.storageRetryMs ? { retryMs: options.storageRetryMs } : {}),
    });
    this.storage = new StorageHealth({ store, writer: this.writer, log });
    this.stopping = new Promise((resolve) => (this.beginStopping = () => resolve('stopping')));
    // One resolver for every probe: names, and the reverse names of the addresses it will connect to.
    this.resolver = options.resolver ?? createSystemResolver(5000, config.dnsServers);
  }

  get runningCount(): number {
    return this.queue.running;
  }

  get queuedCount(): number {
    return this.queue.waiting;
  }

  /** Why results cannot be stored now (storage-health.ts), in words; undefined while storage works. */
  get storageProblem(): string | undefined {
    return this.storage.problem;
  }

  /** Validate, resolve, apply limits, commit the row, enqueue. */
  async start(body: CreateProbeBody): Promise<StartOutcome> {
    const closed = this.admission.refusalWhenClosed();
    if (closed) return closed;
    // A probe whose result could not be kept is refused before any DNS (storage-health.ts).
    if (this.storage.refusesNewProbes) return this.storage.refusal();
    // DNS can take long (a server that never answers): shutdown does not wait for it.
    const prepared = await Promise.race([prepareProbe(probeOptionsOf(body, this.options, this.addressRules, this.resolver)), this.stopping]);
    if (prepared === 'stopping') return this.admission.refusalWhenClosed() as Refusal;
    if (!prepared.ok) return preparationRefusal(prepared);
    const probe = prepared.probe;
    const admission = this.admission.admit(probe.id, TargetLimits.keysOf(probe));
    if (!admission.ok) return admission;
    const { admitted } = admission;
    // The row is committed before anything connects and before the 201 (SECURITY.md §5).
    try {
      await this.writer.create({ id: probe.id, createdAt: new Date().toISOString(), target: probe.validated.request.target, request: probe.validated.request });
    } catch {
      this.admission.release(admitted);
      return this.storage.refusal();
    }
    // Before the 201: a row written to a deleted file would be gone after a restart.
    if (!this.storage.fileKept()) {
      this.admission.release(admitted);
      return this.storage.refusal();
    }
    const entry: LiveProbe = { id: probe.id, prepared: probe, admitted, abort: new AbortController(), startedAt: performance.now() };
    this.live.set(entry.id, entry);
    this.hub.open(entry.id);
    this.options.metrics.probeStarted();
    this.logAllowlisted(probe, probe.resolution);
    if (this.admission.closed) {
      // Shutdown began while the row was being committed: it will not run; its link says so.
      this.logStarted(entry, true);
      this.finish(entry, 'interrupted', undefined);
      return { ok: true, id: entry.id };
    }
    const startedNow = this.queue.enqueue(entry);
    this.logStarted(entry, !startedNow);
    return { ok: true, id: entry.id };
  }

  /** The line for addresses only RELAYPROBE_ALLOW_TARGETS lets the probe reach, if any. */
  private logAllowlisted(probe: PreparedProbe, resolution: Resolution): void {
    const allowlisted = allowlistedAddresses(resolution, this.policy);
    if (allowlisted.length > 0) this.options.log.info({ ...probeLogFields(probe), addresses: allowlisted }, 'address allowed only by RELAYPROBE_ALLOW_TARGETS');
  }

  /** The accepted probe's line; `queued` when it waits for a free slot. */
  private logStarted(entry: LiveProbe, queued: boolean): void {
    this.options.log.info({ ...probeLogFields(entry.prepared), queued }, 'probe started');
  }

  /** Run a probe the queue gave a slot: its events go to its viewers and to storage. */
  private run(entry: LiveProbe): void {
    // A probe admitted before its name resolved claims each server's address when its turn comes.
    const claimServer = entry.prepared.pending ? (address: string, port: number) => this.admission.claim(entry.admitted, TargetLimits.keyFor(address, port)) : undefined;
    runPreparedProbe(entry.prepared, { onEvent: (e) => this.onEvent(entry, e), signal: entry.abort.signal, ...(claimServer ? { claimServer } : {}) })
      .then((doc) => this.finish(entry, entry.abort.signal.aborted ? 'interrupted' : 'complete', doc))
      .catch((error: unknown) => {
        this.options.log.error({ err: error, probe: entry.id }, 'probe failed');
        this.finish(entry, 'interrupted', undefined);
      });
  }

  private onEvent(entry: LiveProbe, event: ProbeEvent): void {
    // A pending probe's addresses are known only now: the allowlist is logged on use (SECURITY.md §1).
    if (entry.prepared.pending && event.type === 'resolution' && event.server === undefined) this.logAllowlisted(entry.prepared, event.resolution);
    this.hub.publish(entry.id, event);
    this.writer.append(entry.id, event);
  }

  private finish(entry: LiveProbe, status: 'complete' | 'interrupted', doc: ResultDocument | undefined): void {
    const verdict = doc?.verdict ? { code: doc.verdict.code, label: VERDICT_LABELS[doc.verdict.code] } : undefined;
    // The store keeps the result without its events (they have their own table).
    const final = { status, finishedAt: new Date().toISOString(), ...(verdict ? { verdict } : {}), ...(doc ? { result: { ...doc, status } } : {}) };
    // Kept in memory and retried until stored; an error comes only when shutdown gives up on it.
    this.writer.finish(entry.id, final, (error) => {
      if (error) this.options.log.error({ err: error, probe: entry.id }, 'the final result could not be stored before shutdown; the probe will show as interrupted');
      this.finished(entry, status, verdict, error === undefined);
    });
  }

  /** After the final commit (or its failure): free the slot, tell the viewers, start the next. */
  private finished(entry: LiveProbe, status: 'complete' | 'interrupted', verdict: DoneMessage['verdict'], committed: boolean): void {
    this.live.delete(entry.id);
    this.admission.release(entry.admitted);
    const durationMs = performance.now() - entry.startedAt;
    this.options.metrics.probeFinished(status === 'interrupted' ? 'interrupted' : (verdict?.code ?? 'interrupted'), durationMs / 1000);
    this.options.log.info(
      {
        ...probeLogFields(entry.prepared),
        status,
        ...(verdict ? { verdict: verdict.code } : {}),
        durationMs: Math.round(durationMs),
        ...(committed ? {} : { stored: false }),
      },
      'probe finished',
    );
    // `done` only after the final commit (SECURITY.md §5). Without one (shutdown gave up on it)
    // the viewers are told to reconnect, and read what storage holds after the restart.
    if (committed) this.hub.finish(entry.id, { type: 'done', status, ...(verdict ? { verdict } : {}) });
    else this.hub.fail(entry.id, RESTART_CLOSE.code, RESTART_CLOSE.reason);
    const listeners = this.endListeners.get(entry.id) ?? [];
    this.endListeners.delete(entry.id);
    for (const listener of listeners) listener();
    this.queue.done(entry);
  }

  /**
   * Call `listener` once the live probe `id` has ended: after its final commit (or after storage
   * gave up on it at shutdown), when `done` has gone to its viewers. False when it is not live.
   */
  whenEnded(id: string, listener: () => void): boolean {
    if (!this.live.has(id)) return false;
    this.endListeners.set(id, [...(this.endListeners.get(id) ?? []), listener]);
    return true;
  }

  /**
   * Attach a viewer: events after `after`, then live ones, then `done`. Returns the handle the
   * route tells what the reader confirmed and when the socket closed, or undefined when there is
   * no such probe.
   */
  watch(id: string, after: number, viewer: Viewer): Watching | undefined {
    return this.hub.watch(id, after, viewer);
  }

  /** The result document of a probe as JSON (toSafeJson): built per request while it runs, once when it is finished. */
  resultJson(id: string): { status: ResultDocument['status']; json: string | Buffer } | undefined {
    const live = this.hub.events(id);
    if (live) {
      const row = this.options.store.getProbe(id);
      if (!row) return undefined;
      return { status: row.status, json: toSafeJson(resultDocument(row, live)) };
    }
    const result = this.results.get(id);
    return result && { status: result.status, json: result.document };
  }

  /** The result document of a probe, running (its events from memory) or not; undefined when there is none. */
  result(id: string): ResultDocument | undefined {
    const row = this.options.store.getProbe(id);
    if (!row) return undefined;
    return resultDocument(row, this.hub.events(id) ?? this.options.store.getEvents(id));
  }

  /**
   * Graceful shutdown: refuse new probes, drop the queue (marked interrupted), give running probes
   * `graceMs` to finish, then stop the rest (they are stored as interrupted).
   */
  async shutdown(graceMs: number): Promise<void> {
    this.admission.close();
    this.beginStopping();
    this.storage.stop();
    for (const entry of this.queue.drain()) this.finish(entry, 'interrupted', undefined);
    if (this.queue.running > 0) {
      const allDone = this.queue.whenIdle();
      const grace = new Promise<'grace'>((resolve) => setTimeout(() => resolve('grace'), graceMs).unref());
      if ((await Promise.race([allDone, grace])) === 'grace') {
        for (const entry of this.live.values()) entry.abort.abort();
        await Promise.race([allDone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      }
    }
    // Whatever still waits for a group commit is written now, before the database closes.
    this.writer.flushAll();
  }
}
