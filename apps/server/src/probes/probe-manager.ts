// Runs probes on the server, independent of any viewer (closing a browser changes nothing).
// Write model (SECURITY.md §5): the row is committed before anything connects; events are
// published to live viewers at once and appended to storage in small batches; the final state
// and the last events are one transaction, and viewers get `done` only after it.
//
// Invariants: a probe is in `live` from its commit until its final commit; every event of a live
// probe is in `entry.events` (the very objects the runner stores in its transcript); a viewer
// joining a live probe gets stored-then-live events in one synchronous step, so nothing is missed
// or repeated.
import type { CreateProbeBody, ApiErrorCode, DoneMessage, ProbeEvent, ResultDocument, ServerMessage } from '@relayprobe/contracts';
import { VERDICT_LABELS } from '@relayprobe/contracts';
import { createAddressPolicy, createSystemResolver, prepareProbe, runPreparedProbe, type AddressPolicy, type AddressPolicyOptions, type DnsResolver, type PreparedProbe } from '@relayprobe/probe';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import type { NewProbe, ProbeFinal, ProbeStore } from '../storage/probe-store.js';
import type { Metrics } from '../metrics.js';
import { TargetLimits } from './target-limits.js';
import { GroupCommit } from './group-commit.js';
import { resultDocument } from './result-view.js';
import { allowlistedAddresses, probeLogFields } from './probe-log.js';

/**
 * Events of every live probe are written together (group commit): after this long, or sooner
 * once this many wait. One transaction per tick instead of one per probe keeps the number of
 * disk flushes (synchronous=FULL) independent of how many probes run.
 */
const FLUSH_MS = 25;
const FLUSH_EVENTS = 512;
/** After a failed write (a full disk, say), wait this long before trying again. */
const RETRY_MS = 1000;

export interface Viewer {
  /**
   * Deliver one message; false when the viewer is gone or too slow (it is then dropped).
   * `replay` marks stored events sent on joining, which are paced rather than held against the viewer.
   */
  send(message: ServerMessage, replay: boolean): boolean;
  /** End the stream early (the viewer should reconnect). */
  close(code: number, reason: string): void;
}

interface LiveProbe {
  id: string;
  prepared: PreparedProbe;
  events: ProbeEvent[];
  /** Events not yet written. */
  pending: ProbeEvent[];
  viewers: Set<Viewer>;
  abort: AbortController;
  targetKey: string;
  startedAt: number;
  state: 'queued' | 'running';
}

export type StartOutcome = { ok: true; id: string } | { ok: false; status: number; code: ApiErrorCode; message: string; field?: string };

export interface ProbeManagerOptions {
  store: ProbeStore;
  config: ServerConfig;
  metrics: Metrics;
  log: FastifyBaseLogger;
  resolver?: DnsResolver | undefined;
  trustedCa?: string | undefined;
  /** Link to a result, as shown in messages. */
  linkTo: (id: string) => string;
}

export class ProbeManager {
  private readonly live = new Map<string, LiveProbe>();
  private readonly queue: LiveProbe[] = [];
  private running = 0;
  private shuttingDown = false;
  private readonly limits: TargetLimits;
  private idle: (() => void) | undefined;
  /** Live probes with unwritten events, and how many events wait. */
  private readonly unwritten = new Set<LiveProbe>();
  private unwrittenCount = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private retrying = false;
  private readonly resolver: DnsResolver;
  /** Probes accepted but not yet committed (they count against the queue). */
  private reserved = 0;
  private readonly creates: GroupCommit<NewProbe>;
  private readonly finals: GroupCommit<{ id: string; final: ProbeFinal }>;
  /** Where probes may connect: the server never allows private ranges, only RELAYPROBE_ALLOW_TARGETS. */
  private readonly addressRules: AddressPolicyOptions;
  /** The same rules as a policy, to tell which addresses only the allowlist lets through (for the log). */
  private readonly policy: AddressPolicy;

  constructor(private readonly options: ProbeManagerOptions) {
    this.addressRules = { allowPrivate: false, allowCidrs: options.config.allowTargets };
    const policy = createAddressPolicy(this.addressRules);
    // config.ts validated the CIDRs with this very function.
    if (!policy.ok) throw new Error(`bug: RELAYPROBE_ALLOW_TARGETS passed validation but ${policy.message}`);
    this.policy = policy.policy;
    this.limits = new TargetLimits(options.config.targetHourlyLimit);
    const store = options.store;
    this.creates = new GroupCommit((rows) => store.createProbes(rows), (row) => store.createProbe(row));
    this.finals = new GroupCommit((finals) => store.finishProbes(finals), ({ id, final }) => store.finishProbe(id, final));
    // One resolver for every probe: names, and the reverse names of the addresses it will connect to.
    this.resolver = options.resolver ?? createSystemResolver(5000, options.config.dnsServers);
  }

  get runningCount(): number {
    return this.running;
  }

  get queuedCount(): number {
    return this.queue.length;
  }

  /** Validate, resolve, apply limits, commit the row, enqueue. */
  async start(body: CreateProbeBody): Promise<StartOutcome> {
    if (this.shuttingDown) return { ok: false, status: 503, code: 'shutting-down', message: 'The server is shutting down; try again in a moment.' };
    const { config } = this.options;
    const prepared = await prepareProbe({
      target: body.target, port: body.port ?? 25, suite: body.suite ?? 'standard', tls: body.tls ?? 'auto',
      sendMessage: body.sendMessage === true, ...(body.to !== undefined ? { to: body.to } : {}),
      helo: config.heloName, testDomain: config.testDomain, timeoutSeconds: config.timeoutSeconds, greylistWaitSeconds: config.greylistWaitSeconds, dnsServers: config.dnsServers,
      ...(config.sourceAddress ? { sourceAddress: config.sourceAddress } : {}),
      ...this.addressRules, allowedPorts: config.ports,
      resolver: this.resolver,
      ...(this.options.trustedCa ? { trustedCa: this.options.trustedCa } : {}),
    });
    if (!prepared.ok) {
      const status = prepared.code === 'address-refused' || prepared.code === 'port-not-allowed' ? 403 : 400;
      return { ok: false, status, code: prepared.code as ApiErrorCode, message: prepared.message, ...(prepared.field ? { field: prepared.field } : {}) };
    }
    if (this.shuttingDown) return { ok: false, status: 503, code: 'shutting-down', message: 'The server is shutting down; try again in a moment.' };
    const probe = prepared.probe;
    const targetKey = TargetLimits.keyOf(probe);
    const limited = this.limits.check(targetKey);
    if (limited) {
      const link = this.options.linkTo(limited.id);
      return limited.kind === 'busy'
        ? { ok: false, status: 429, code: 'target-busy', message: `A probe of this server is already running: watch it at ${link}` }
        : { ok: false, status: 429, code: 'target-rate-limited', message: `This server was probed ${this.options.config.targetHourlyLimit} times in the last hour; see the latest result at ${link}` };
    }
    if (this.running + this.queue.length + this.reserved >= config.maxConcurrent + config.maxQueue) {
      return { ok: false, status: 503, code: 'queue-full', message: 'Too many probes are waiting; try again in a minute.' };
    }
    // The row is committed before anything connects and before the 201 (SECURITY.md §5).
    this.limits.started(targetKey, probe.id);
    this.reserved++;
    try {
      await new Promise<void>((resolve, reject) => {
        this.creates.add({ id: probe.id, createdAt: new Date().toISOString(), target: probe.validated.request.target, request: probe.validated.request }, (error) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      this.limits.finished(targetKey, probe.id);
      throw error;
    } finally {
      this.reserved--;
    }
    const entry: LiveProbe = {
      id: probe.id, prepared: probe, events: [], pending: [], viewers: new Set(), abort: new AbortController(),
      targetKey, startedAt: performance.now(), state: 'queued',
    };
    this.live.set(entry.id, entry);
    this.options.metrics.probeStarted();
    const allowlisted = allowlistedAddresses(probe.resolution, this.policy);
    if (allowlisted.length > 0) this.options.log.info({ ...probeLogFields(probe), addresses: allowlisted }, 'address allowed only by RELAYPROBE_ALLOW_TARGETS');
    if (this.shuttingDown) {
      // Shutdown began while the row was being committed: it will not run; its link says so.
      this.logStarted(entry);
      this.finish(entry, 'interrupted', undefined);
      return { ok: true, id: entry.id };
    }
    this.queue.push(entry);
    this.pump();
    this.logStarted(entry);
    return { ok: true, id: entry.id };
  }

  /** The accepted probe's line; `queued` when it waits for a free slot. */
  private logStarted(entry: LiveProbe): void {
    this.options.log.info({ ...probeLogFields(entry.prepared), queued: entry.state === 'queued' }, 'probe started');
  }

  private pump(): void {
    while (this.running < this.options.config.maxConcurrent && this.queue.length > 0) {
      const entry = this.queue.shift() as LiveProbe;
      this.running++;
      entry.state = 'running';
      const { prepared } = entry;
      runPreparedProbe(prepared, { onEvent: (e) => this.onEvent(entry, e), signal: entry.abort.signal })
        .then((doc) => this.finish(entry, entry.abort.signal.aborted ? 'interrupted' : 'complete', doc))
        .catch((error: unknown) => {
          this.options.log.error({ err: error, probe: entry.id }, 'probe failed');
          this.finish(entry, 'interrupted', undefined);
        });
    }
  }

  private onEvent(entry: LiveProbe, event: ProbeEvent): void {
    entry.events.push(event);
    entry.pending.push(event);
    this.unwritten.add(entry);
    this.publish(entry, { type: 'event', seq: event.seq, event });
    // While a failed write waits for its retry, new events only wait too (no write per event).
    if (++this.unwrittenCount >= FLUSH_EVENTS && !this.retrying) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Write every live probe's waiting events in one transaction. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.unwritten.size === 0) return;
    const entries = [...this.unwritten];
    try {
      this.options.store.appendEventBatches(entries.map((e) => ({ id: e.id, events: e.pending })));
    } catch (error) {
      this.options.log.error({ err: error }, 'storing events failed; will retry');
      this.retrying = true;
      this.flushTimer = setTimeout(() => this.flush(), RETRY_MS);
      return;
    }
    this.retrying = false;
    for (const entry of entries) entry.pending = [];
    this.unwritten.clear();
    this.unwrittenCount = 0;
  }

  private publish(entry: LiveProbe, message: ServerMessage): void {
    for (const viewer of entry.viewers) if (!viewer.send(message, false)) entry.viewers.delete(viewer);
  }

  private finish(entry: LiveProbe, status: 'complete' | 'interrupted', doc: ResultDocument | undefined): void {
    // Its waiting events go into the final transaction instead.
    if (this.unwritten.delete(entry)) this.unwrittenCount -= entry.pending.length;
    const verdict = doc?.verdict ? { code: doc.verdict.code, label: VERDICT_LABELS[doc.verdict.code] } : undefined;
    // The store keeps the result without its events (they have their own table).
    const final: ProbeFinal = {
      status, finishedAt: new Date().toISOString(), ...(verdict ? { verdict } : {}),
      ...(doc ? { result: { ...doc, status } } : {}), events: entry.pending,
    };
    entry.pending = [];
    this.finals.add({ id: entry.id, final }, (error) => {
      if (error) this.options.log.error({ err: error, probe: entry.id }, 'storing the final result failed');
      this.finished(entry, status, verdict, error === undefined);
    });
  }

  /** After the final commit (or its failure): free the slot, tell the viewers, start the next. */
  private finished(entry: LiveProbe, status: 'complete' | 'interrupted', verdict: DoneMessage['verdict'], committed: boolean): void {
    if (entry.state === 'running') this.running--;
    this.live.delete(entry.id);
    this.limits.finished(entry.targetKey, entry.id);
    const durationMs = performance.now() - entry.startedAt;
    this.options.metrics.probeFinished(status === 'interrupted' ? 'interrupted' : (verdict?.code ?? 'interrupted'), durationMs / 1000);
    this.options.log.info({
      ...probeLogFields(entry.prepared), status, ...(verdict ? { verdict: verdict.code } : {}), durationMs: Math.round(durationMs), ...(committed ? {} : { stored: false }),
    }, 'probe finished');
    // `done` only after the final commit (SECURITY.md §5). Without a commit the viewers are
    // closed with 1011 so they reconnect and read what storage holds.
    const done: DoneMessage = { type: 'done', status, ...(verdict ? { verdict } : {}) };
    if (committed) this.publish(entry, done);
    else for (const viewer of entry.viewers) viewer.close(1011, 'the result could not be stored');
    entry.viewers.clear();
    this.pump();
    if (this.running === 0 && this.queue.length === 0) this.idle?.();
  }

  /**
   * Attach a viewer: events after `after`, then live ones, then `done`. Returns a function that
   * detaches it, or undefined when there is no such probe.
   */
  watch(id: string, after: number, viewer: Viewer): (() => void) | undefined {
    const entry = this.live.get(id);
    if (entry) {
      for (const event of entry.events) if (event.seq > after && !viewer.send({ type: 'event', seq: event.seq, event }, true)) return () => {};
      entry.viewers.add(viewer);
      return () => entry.viewers.delete(viewer);
    }
    const row = this.options.store.getProbe(id);
    if (!row) return undefined;
    for (const event of this.options.store.getEvents(id, after)) if (!viewer.send({ type: 'event', seq: event.seq, event }, true)) return () => {};
    viewer.send({ type: 'done', status: row.status, ...(row.verdict ? { verdict: row.verdict } : {}) }, true);
    return () => {};
  }

  /** The result document of a probe, running (its events from memory) or not; undefined when there is none. */
  result(id: string): ResultDocument | undefined {
    const row = this.options.store.getProbe(id);
    if (!row) return undefined;
    return resultDocument(row, this.live.get(id)?.events ?? this.options.store.getEvents(id));
  }

  /**
   * Graceful shutdown: refuse new probes, drop the queue (marked interrupted), give running probes
   * `graceMs` to finish, then stop the rest (they are stored as interrupted).
   */
  async shutdown(graceMs: number): Promise<void> {
    this.shuttingDown = true;
    for (const entry of this.queue.splice(0)) this.finish(entry, 'interrupted', undefined);
    if (this.running > 0) {
      const allDone = new Promise<void>((resolve) => (this.idle = resolve));
      const grace = new Promise<'grace'>((resolve) => setTimeout(() => resolve('grace'), graceMs).unref());
      if ((await Promise.race([allDone, grace])) === 'grace') {
        for (const entry of this.live.values()) entry.abort.abort();
        await Promise.race([allDone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      }
    }
    // Whatever still waits for a group commit is written now, before the database closes.
    this.finals.commit();
    this.flush();
  }
}
