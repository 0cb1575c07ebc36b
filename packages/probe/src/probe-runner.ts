// Runs one probe: validate, resolve once, check every address, then drive the engine with real
// sockets and timers (HOUSE-STYLE rule 2: this adapter turns engine actions into effects and
// nothing else). Used by the CLI and the server alike.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RELAYPROBE_VERSION, RESULT_SCHEMA_VERSION, REASON_CODES, documentFields, foldEvents, type EventBody, type ProbeEvent, type ResultDocument } from '@relayprobe/contracts';
import { ProbeSession, Transcript, decideVerdict, type EngineAction, type EngineInput, type EngineTarget, type TimerName } from '@relayprobe/engine';
import type { ProbeOptions } from './probe-options.js';
import { prepareProbe, type Prepared, type PreparedProbe } from './probe-prepare.js';
import { runDomainTest } from './domain-runner.js';
import { runPendingProbe } from './pending-probe.js';
import { isPrivateOrSpecial } from './address-policy.js';
import { SmtpSocket, type SocketInput } from './smtp-socket.js';

/**
 * What a caller hears from a running probe and how it stops one. Run-time hooks are an argument
 * of runPreparedProbe, never part of the prepared probe: one prepared probe, many runs, each with its own.
 */
export interface ProbeHooks {
  /** Each event as it is added to the transcript (the very objects of the result's `events`). */
  onEvent?: (event: ProbeEvent) => void;
  /** Aborting it stops the probe: the engine ends the session and the verdict says so (a string reason is the transcript's words). */
  signal?: AbortSignal;
  /**
   * A service's per-address limits, asked before each server of a probe that was admitted before
   * its resolution (a pending probe): a refusal leaves that server untested, with the reason.
   */
  claimServer?: (address: string, port: number) => ServerClaim;
}

/** A claim on one server address: held until release(), or refused with a reason code and sentence. */
export type ServerClaim = { ok: true; release: () => void } | { ok: false; code: 'server-busy' | 'server-rate-limited'; text: string };

/**
 * The local-part token of the test addresses, the same for every run from this prober to this
 * server: a greylister keys on (client, sender, recipient), so a run after "come back later"
 * must use the addresses it saw (RFC 6647 §2.1). The run id is in the test message instead.
 */
function stableToken(helo: string, sourceAddress: string | undefined, target: string, port: number): string {
  return createHash('sha256')
    .update(`relayprobe|${helo}|${sourceAddress ?? ''}|${target}|${port}`)
    .digest('hex')
    .slice(0, 12);
}

/** A verdict given without a session (a pending probe whose server a service limit refused). */
export interface ServerRefusal {
  verdict: 'inconclusive';
  reason: 'server-busy' | 'server-rate-limited' | 'probe-aborted';
  text: string;
}

/** Validate, resolve and run; the result document, or the input/policy error. */
export async function runProbe(options: ProbeOptions, hooks: ProbeHooks = {}): Promise<{ ok: true; result: ResultDocument } | Extract<Prepared, { ok: false }>> {
  const prepared = await prepareProbe(options);
  if (!prepared.ok) return prepared;
  return { ok: true, result: await runPreparedProbe(prepared.probe, hooks) };
}

/** Run a prepared probe to its verdict (one server, or every server of a domain), telling `hooks` of each event. Never rejects for anything a server does. */
export function runPreparedProbe(probe: PreparedProbe, hooks: ProbeHooks = {}): Promise<ResultDocument> {
  if (probe.pending) return runPendingProbe(probe, hooks, { run: runPreparedProbe, runServer: runServerProbe });
  if (probe.domain) return runDomainTest(probe, probe.domain, hooks, runServerProbe);
  return runServerProbe(probe, hooks);
}

/** Run one server's session (a single-server test, or one server of a domain test). */
function runServerProbe(probe: PreparedProbe, hooks: ProbeHooks = {}, refusal?: ServerRefusal): Promise<ResultDocument> {
  const { options, validated, resolution, id } = probe;
  const { signal } = hooks;
  const { request } = validated;
  const startedAt = new Date();
  const t0 = performance.now();
  const transcript = new Transcript(t0, options.resultLimits);
  // Every event the transcript stored, in order, once: a cap may store a notice before the event
  // an add() returns (transcript.ts).
  let published = 0;
  const publishStored = () => {
    for (; published < transcript.events.length; published++) hooks.onEvent?.(transcript.events[published] as ProbeEvent);
  };
  const record = (body: EventBody) => {
    transcript.add(body, performance.now());
    publishStored();
  };
  const base = { schemaVersion: RESULT_SCHEMA_VERSION, id, tool: { name: 'relayprobe' as const, version: RELAYPROBE_VERSION }, request, startedAt: startedAt.toISOString() };
  // The document says what its events say (contracts' foldEvents), however the probe ended.
  const document = (): ResultDocument => {
    const durationMs = Math.round(performance.now() - t0);
    const finishedAt = new Date(startedAt.getTime() + durationMs).toISOString();
    return { ...base, status: 'complete', finishedAt, durationMs, ...documentFields(foldEvents(transcript.events)), events: transcript.events };
  };

  record({ type: 'resolution', resolution });
  const targets: EngineTarget[] = resolution.addresses
    .filter((a) => a.allowed)
    .slice(0, 5)
    .map((a) => ({ address: a.address, family: a.family, host: a.host }));
  if (refusal || resolution.error || targets.length === 0) {
    const errorCode = resolution.error?.code;
    const code = errorCode === 'null-mx' || errorCode === 'address-refused' ? errorCode : 'dns-failed';
    const failure = refusal ?? { verdict: 'unreachable' as const, reason: code, text: resolution.error?.text ?? REASON_CODES[code] };
    const verdict = decideVerdict({ vectors: [], internalVantage: false, testDomain: request.testDomain, failure });
    record({ type: 'verdict', verdict });
    return Promise.resolve(document());
  }

  const hints = [resolution.domain, ...resolution.mx.map((m) => m.exchange)].filter((n): n is string => n !== undefined && n.length > 0);
  const engine = new ProbeSession(
    {
      runId: id,
      token: stableToken(request.helo, request.sourceAddress, targets[0]?.address ?? '', request.port),
      suite: request.suite,
      tls: request.tls,
      port: request.port,
      helo: request.helo,
      testDomain: request.testDomain,
      sendMessage: request.sendMessage,
      to: validated.to,
      replyTimeoutMs: request.timeoutSeconds * 1000,
      connectTimeoutMs: Math.min(request.timeoutSeconds * 1000, 15_000),
      probeDeadlineMs: validated.probeDeadlineMs,
      greylistWaitMs: (request.greylistWaitSeconds ?? 0) * 1000,
      targets,
      localNameHints: hints,
      reverseNames: targets.map((t) => resolution.addresses.find((a) => a.address === t.address)?.reverseName).filter((n): n is string => n !== undefined),
      wallClockStart: startedAt.getTime(),
      ...(options.tlsSniffMs !== undefined ? { tlsSniffMs: options.tlsSniffMs } : {}),
    },
    transcript,
  );

  return new Promise((resolve) => {
    const timers = new Map<TimerName, NodeJS.Timeout>();
    let socket: SmtpSocket | undefined;
    /** The second connection of an implicit TLS check ('sniff-tls'), until the engine adopts or closes it. */
    let sniff: SmtpSocket | undefined;
    let remote: EngineTarget | undefined;

    let over = false;
    let tooLarge = false;
    const feed = (input: EngineInput) => {
      if (over) return;
      try {
        apply(engine.handle(input));
      } catch (error) {
        crashed(error);
      }
      stopWhenTooLarge();
    };
    // The events cap (result-limits.ts): said once, then the probe is stopped as if aborted, so the
    // remaining tests become not-run and the verdict says why. Checked between inputs, never while
    // the actions of one are being carried out.
    const stopWhenTooLarge = () => {
      if (over || tooLarge || transcript.events.length < transcript.limits.events) return;
      tooLarge = true;
      const text = `The probe made ${transcript.events.length} transcript events, the most one result holds; it was stopped here.`;
      record({ type: 'error', phase: 'done', code: 'result-too-large', side: 'server', text });
      feed({ type: 'abort', now: performance.now(), message: text });
    };
    /** The probe is over: no timer, socket or abort listener may outlive it. */
    const stopEverything = () => {
      over = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      socket?.destroy();
      socket = undefined;
      sniff?.destroy();
      sniff = undefined;
      signal?.removeEventListener('abort', onAbort);
    };
    // An engine bug must not take the process down (the CLI, or a server with other probes):
    // stop this probe, say so in its transcript, and resolve with an inconclusive verdict.
    const crashed = (error: unknown) => {
      stopEverything();
      const text = `relayprobe hit a bug and stopped this probe: ${error instanceof Error ? error.message : String(error)}`;
      record({ type: 'error', phase: 'done', code: 'internal-error', side: 'ours', text });
      const verdict = decideVerdict({ vectors: [], internalVantage: false, testDomain: request.testDomain, failure: { verdict: 'inconclusive', reason: 'internal-error', text } });
      record({ type: 'verdict', verdict });
      resolve(document());
    };
    const deliverFrom = (owner: () => SmtpSocket | undefined) => (input: SocketInput) => {
      let local: SocketInput = input;
      if (input.type === 'connected' && remote) {
        local = { ...input, sharedPrivateNetwork: input.localAddress !== undefined && isPrivateOrSpecial(remote.address) && isPrivateOrSpecial(input.localAddress) };
      }
      // Inputs from a socket the engine has already left behind are dropped.
      const from = owner();
      if (from === undefined) return;
      if (from === socket) feed({ ...local, now: performance.now() } as EngineInput);
      else if (from === sniff) fromSniff(local);
    };
    // Until the engine adopts it, the second connection only says whether its TLS handshake
    // succeeded; the engine answers 'sniff-connected' at once with 'adopt-sniff' or 'close-sniff',
    // so no data or close of it can come in between.
    const fromSniff = (input: SocketInput) => {
      const now = performance.now();
      if (input.type === 'connected' && input.tls) {
        const { localAddress, localPort, tls, sharedPrivateNetwork } = input;
        feed({ type: 'sniff-connected', now, localAddress, localPort, tls, ...(sharedPrivateNetwork !== undefined ? { sharedPrivateNetwork } : {}) });
      } else if (input.type === 'connect-failed') {
        sniff = undefined;
        feed({ type: 'sniff-failed', now, code: input.code, message: input.message });
      }
    };
    const openSocket = (address: string, family: 4 | 6, port: number, implicitTls: boolean, servername: string | undefined): SmtpSocket => {
      let mine: SmtpSocket | undefined;
      // eslint-disable-next-line prefer-const -- an input delivered while the constructor runs must see undefined (and be dropped), not the temporal dead zone
      mine = new SmtpSocket({
        address,
        family,
        port,
        implicitTls,
        expectedName: servername ?? address,
        localAddress: request.sourceAddress,
        trustedCa: options.trustedCa,
        deliver: deliverFrom(() => mine),
      });
      return mine;
    };

    const apply = (actions: EngineAction[]): void => {
      for (const action of actions) {
        switch (action.type) {
          case 'event':
            publishStored();
            break;
          case 'connect': {
            socket?.destroy();
            remote = { address: action.address, family: action.family, host: action.servername };
            socket = openSocket(action.address, action.family, action.port, action.implicitTls, action.servername);
            break;
          }
          case 'write':
            socket?.write(action.data);
            break;
          case 'start-tls':
            socket?.startTls(action.servername);
            break;
          case 'close':
            socket?.destroy();
            socket = undefined;
            break;
          case 'sniff-tls':
            // Same address as the current connection (remote stays), TLS from the first byte.
            sniff?.destroy();
            sniff = openSocket(action.address, action.family, action.port, true, action.servername);
            break;
          case 'adopt-sniff':
            socket?.destroy();
            socket = sniff;
            sniff = undefined;
            break;
          case 'close-sniff':
            sniff?.destroy();
            sniff = undefined;
            break;
          case 'set-timer': {
            clearTimeout(timers.get(action.timer));
            timers.set(
              action.timer,
              setTimeout(() => {
                timers.delete(action.timer);
                feed({ type: 'timer', timer: action.timer, now: performance.now() });
              }, action.ms),
            );
            break;
          }
          case 'clear-timer':
            clearTimeout(timers.get(action.timer));
            timers.delete(action.timer);
            break;
          case 'finish': {
            stopEverything();
            resolve(document());
            break;
          }
        }
      }
    };

    const onAbort = () => feed({ type: 'abort', now: performance.now(), message: typeof signal?.reason === 'string' ? signal.reason : 'The probe was stopped before it finished.' });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      apply(engine.start(performance.now()));
    } catch (error) {
      crashed(error);
    }
    stopWhenTooLarge();
    if (signal?.aborted) onAbort();
  });
}
