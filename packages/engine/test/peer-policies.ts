// Server behaviours for the scripted peer, modelled on RELAY-TESTS.md §4 and §6.
import type { PeerPolicy, PeerState } from './scripted-peer.js';

export const LOCAL_DOMAINS = ['peer.example', 'mx.peer.example', '[192.0.2.10]'];

export type RecipientKind = 'postmaster' | 'local-user' | 'unknown-local' | 'invalid-domain' | 'foreign';

/** Classify a RCPT path the way a discriminating Postfix would. */
export function classify(path: string): RecipientKind {
  const bare = path.replace(/^<|>$/g, '');
  if (bare.toLowerCase() === 'postmaster') return 'postmaster';
  const m = /^([a-z0-9.+-]+)@([a-z0-9.[\]-]+)$/i.exec(bare);
  if (!m) return 'foreign';
  const [, local, domain] = m as unknown as [string, string, string];
  if (domain.endsWith('.invalid')) return 'invalid-domain';
  if (!LOCAL_DOMAINS.includes(domain.toLowerCase())) return 'foreign';
  return local.toLowerCase() === 'postmaster' ? 'postmaster' : 'unknown-local';
}

const rcptPath = (line: string) => line.slice('RCPT TO:'.length);
const mailPath = (line: string) => line.slice('MAIL FROM:'.length);

/** A policy answering RCPT by recipient kind; everything else as Postfix does. */
export function rcptPolicy(decide: (kind: RecipientKind, path: string, state: PeerState) => string, extra: PolicyExtras = {}): PeerPolicy {
  return {
    ...extra,
    reply(line, state) {
      if (line.startsWith('MAIL FROM:')) {
        const custom = extra.mail?.(mailPath(line));
        if (custom) {
          if (custom.startsWith('2')) state.mailAccepted = true;
          return [custom];
        }
        return undefined;
      }
      if (line.startsWith('RCPT TO:') && state.mailAccepted) return [decide(classify(rcptPath(line)), rcptPath(line), state)];
      return extra.reply?.(line, state);
    },
  };
}

const localAnswer = (kind: RecipientKind, path: string): string | undefined => {
  if (kind === 'postmaster') return '250 2.1.5 Ok';
  if (kind === 'unknown-local') return `550 5.1.1 ${path}: Recipient address rejected: User unknown in local recipient table`;
  // A .invalid recipient (C3) is answered like any foreign one: real Postfix, Exim and OpenSMTPD
  // do not look recipient domains up at RCPT unless configured to (packages/mta-lab shows it).
  return undefined;
};

/** Options of rcptPolicy: a peer policy, plus a MAIL FROM override. */
export type PolicyExtras = Partial<PeerPolicy> & { mail?: (path: string) => string | undefined };

export const postfixClosed = (extra: PolicyExtras = {}) => rcptPolicy((kind, path) => localAnswer(kind, path) ?? `554 5.7.1 ${path}: Relay access denied`, extra);

export const postfixDefault = () => rcptPolicy((kind, path) => localAnswer(kind, path) ?? `454 4.7.1 ${path}: Relay access denied`);

export const openRelay = (extra: PolicyExtras = {}) => rcptPolicy((kind, path) => localAnswer(kind, path) ?? '250 2.1.5 Ok', extra);

export const acceptAll = () => rcptPolicy(() => '250 2.1.5 Ok');

export const greylisting = () => rcptPolicy((_k, path) => `450 4.7.1 ${path}: Recipient address rejected: Greylisted`);

export const authRequired = () => rcptPolicy((kind, path) => localAnswer(kind, path) ?? '530 5.7.0 Authentication required');

/** Accepts only the percent hack through a local name or literal (R11, R12). */
export const percentHackOnly = () =>
  rcptPolicy(
    (kind, path) => localAnswer(kind, path) ?? (/^<[^@"]+%[^@]+@(peer\.example|mx\.peer\.example|\[192\.0\.2\.10\])>$/i.test(path) ? '250 2.1.5 Ok' : `554 5.7.1 ${path}: Relay access denied`),
  );

/** Accepts only forms whose domain part is empty or absent (R19, R22, R23): weak vectors. */
export const domainlessOnly = () => rcptPolicy((kind, path) => localAnswer(kind, path) ?? (!path.includes('@') || path.endsWith('@>') ? '250 2.1.5 Ok' : `554 5.7.1 ${path}: Relay access denied`));

/** The test domain itself is refused (null MX), which says nothing about relaying. */
export const testDomainRefused = () =>
  rcptPolicy(
    (kind, path) =>
      localAnswer(kind, path) ??
      (path.includes('example.com') ? `556 5.1.10 ${path}: Recipient address rejected: Domain example.com does not accept mail (nullMX)` : `554 5.7.1 ${path}: Relay access denied`),
  );
