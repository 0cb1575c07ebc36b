// The shapes every MTA driver of the lab shares: what an instance needs to start, and the handle
// a running one gives back. Each driver (postfix.ts, exim.ts, opensmtpd.ts) turns a flavour of
// its software into config files under a state directory of its own and starts the real daemon.

/** TLS modes an instance can listen in. */
export type LabTls = 'none' | 'starttls' | 'starttls-required' | 'implicit';

/** What every driver is given to start one instance. */
export interface StartContext {
  /** Empty directory owned by this instance (config, queue, logs, pid files). Removed on stop. */
  stateDir: string;
  /** Loopback address to listen on (127.0.1.N); never anything else. */
  listen: string;
  /** Port to listen on (picked free by the lab). */
  port: number;
  /** The loopback sink every message the instance relays or delivers goes to (127.0.0.1). */
  sink: { host: string; port: number };
  /** Certificate and key files (PEM) for TLS flavours; the name is mx.relay-test.example. */
  tls: { certFile: string; keyFile: string };
  /** The host name the instance calls itself (greeting, EHLO). */
  hostname: string;
  /** The domain the instance receives mail for (its "local" domain). */
  localDomain: string;
  /** A loopback DNS server (dnsmasq) for instances that look names up, when the lab runs one. */
  dns?: { host: string; port: number } | undefined;
}

/** A running instance. */
export interface RunningMta {
  /** The daemon's log, for a test to print when an expectation fails. */
  logFile: string;
  /** Stop the daemon and wait until it no longer listens. Idempotent. */
  stop(): Promise<void>;
}
