// The fixture certificates (generated once by fixtures/make-certs.sh, committed as PEM files).
// Paths are resolved from this module's URL: `../fixtures` is the same directory from src/ (tsx)
// and from dist/ (compiled), so the kit works both ways.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { TlsVariant } from './types.js';

function readFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** PEM of the fixture CA, so a probe under test can be given it as its trust root. */
export const fixtureCa: { cert: string } = { cert: readFixture('ca.pem') };

/** Certificate and key PEMs of a TLS variant. */
export function certificateFor(variant: TlsVariant): { cert: string; key: string } {
  return { cert: readFixture(`${variant}.pem`), key: readFixture(`${variant}.key`) };
}

const contexts = new Map<TlsVariant, tls.SecureContext>();

/** A cached server secure context for a TLS variant. */
export function secureContextFor(variant: TlsVariant): tls.SecureContext {
  let context = contexts.get(variant);
  if (!context) {
    context = tls.createSecureContext(certificateFor(variant));
    contexts.set(variant, context);
  }
  return context;
}
