// Starting a profile server: options resolved once into session settings, then a scripted
// server whose script is the SMTP engine with the profile's policy.
import { defaultLocalDomains } from './relay-intent.js';
import { runSmtpSession } from './smtp-fake-server.js';
import { profilePolicy, type ProfileName } from './profiles.js';
import { startScriptedServer } from './scripted-server.js';
import type { ServerPolicy, SessionSettings } from './server-policy.js';
import type { LoopbackAddress, RawPeer, ServerHandle, TlsVariant } from './types.js';

/** Host name in greetings and EHLO replies unless a test picks another. */
export const DEFAULT_HOSTNAME = 'mx.relay-test.example';

/** The server's own address literal: the kit always listens on 127.0.0.1. */
export const OWN_ADDRESS_LITERAL = '[127.0.0.1]';

/** Options of a profile server. */
export interface ProfileOptions {
  /** Name in greeting and EHLO reply; default 'mx.relay-test.example'. */
  hostname?: string;
  /** Domains the server considers its own; default [parent domain, hostname]; '[127.0.0.1]' is always added. */
  localDomains?: string[];
  /** Advertise PIPELINING (default true); pipelined input is always answered in order. */
  pipelining?: boolean;
  /** Delay replies to each batch of input by this much (models network RTT; the bench uses 20). */
  latencyMs?: number;
  /** Certificate for STARTTLS / implicit TLS (default 'valid' = signed by the fixture CA); giving it turns STARTTLS on. */
  tls?: TlsVariant;
  /** Advertise STARTTLS (default: true when `tls` is given; always on starttls-required; never on implicit-tls). */
  starttls?: boolean;
  /** error-limit only: wait this long before every reply once 10 errors were made (default 1000). */
  errorDelayMs?: number;
  /** Every session greets only once this settles (a benchmark lets its viewer attach first). */
  greetAfter?: Promise<unknown>;
  /** Called with each reply's lines just before they are handed to the socket (benchmarks timestamp them). */
  onReplyWritten?: (lines: readonly string[]) => void;
  /** Listen on another loopback address and/or a given port (the MX hosts of a test domain share a port). */
  listen?: LoopbackAddress;
}

/** Resolves profile options into the settings of every session of one server. */
export function resolveSettings(policy: ServerPolicy, options: ProfileOptions): SessionSettings {
  const host = options.hostname ?? DEFAULT_HOSTNAME;
  const own = options.localDomains ?? defaultLocalDomains(host);
  let queued = 0;
  return {
    host,
    localDomains: own.includes(OWN_ADDRESS_LITERAL) ? own : [...own, OWN_ADDRESS_LITERAL],
    pipelining: options.pipelining ?? true,
    latencyMs: options.latencyMs ?? 0,
    offerStarttls: policy.starttls === 'required' || (policy.starttls === 'when-configured' && (options.starttls ?? options.tls !== undefined)),
    nextQueueId: () => `4F${(++queued).toString(16).toUpperCase().padStart(6, '0')}`,
    onReplyWritten: options.onReplyWritten,
  };
}

/** Starts a fake SMTP server with the named profile on 127.0.0.1, port 0 (or `options.listen`). */
export function startProfile(name: ProfileName, options: ProfileOptions = {}): Promise<ServerHandle> {
  const policy = profilePolicy(name, options.errorDelayMs);
  const settings = resolveSettings(policy, options);
  const { greetAfter } = options;
  const script = greetAfter
    ? async (peer: RawPeer) => {
        await greetAfter;
        await runSmtpSession(peer, policy, settings);
      }
    : (peer: RawPeer) => runSmtpSession(peer, policy, settings);
  return startScriptedServer(script, {
    tls: options.tls ?? 'valid',
    implicitTls: name === 'implicit-tls',
    ...(options.listen ? { listen: options.listen } : {}),
  });
}
