// What a TLS session tells about the server (SECURITY.md §3 "Report bad TLS, don't die on it"):
// the handshake never rejects, and the findings are recorded instead. Node checks the host name
// only when the chain is valid, so we run tls.checkServerIdentity ourselves either way.
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { TlsDetails } from '@relayprobe/contracts';

const dn = (name: Record<string, string | string[]> | undefined): string =>
  name
    ? Object.entries(name)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
        .join(', ')
    : '';

const iso = (text: string | undefined): string => {
  const date = text ? new Date(text) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : (text ?? '');
};

/** Findings of a finished handshake; `expectedName` is the host name (or IP) we meant to reach. */
export function tlsDetailsOf(socket: TLSSocket, expectedName: string | undefined, servername: string | undefined): TlsDetails {
  const cert = socket.getPeerCertificate(false) as PeerCertificate | Record<string, never>;
  const hasCert = cert !== null && typeof cert === 'object' && 'subject' in cert && cert.subject !== undefined;
  let hostnameMatch: boolean | null = null;
  let hostnameError: string | null = null;
  if (expectedName && hasCert) {
    const problem = checkServerIdentity(expectedName, cert as PeerCertificate);
    hostnameMatch = problem === undefined;
    hostnameError = problem ? problem.message : null;
  }
  const cipher = socket.getCipher();
  const authError = socket.authorizationError as unknown;
  return {
    protocol: socket.getProtocol() ?? null,
    cipher: cipher ? (cipher.standardName ?? cipher.name) : null,
    authorized: socket.authorized,
    authorizationError: authError ? String(authError instanceof Error ? ((authError as NodeJS.ErrnoException).code ?? authError.message) : authError) : null,
    hostnameMatch,
    hostnameError,
    servername: servername ?? null,
    certificate: hasCert
      ? {
          subject: dn((cert as PeerCertificate).subject as unknown as Record<string, string>),
          issuer: dn((cert as PeerCertificate).issuer as unknown as Record<string, string>),
          subjectAltNames: ((cert as PeerCertificate).subjectaltname ?? '').split(', ').filter((s) => s.length > 0),
          validFrom: iso((cert as PeerCertificate).valid_from),
          validTo: iso((cert as PeerCertificate).valid_to),
          fingerprint256: (cert as PeerCertificate).fingerprint256 ?? '',
          selfSigned: dn((cert as PeerCertificate).subject as unknown as Record<string, string>) === dn((cert as PeerCertificate).issuer as unknown as Record<string, string>),
        }
      : null,
  };
}

/** SNI carries host names only (RFC 6066 §3): never an IP literal. */
export function sniName(host: string | undefined): string | undefined {
  return host && isIP(host) === 0 ? host : undefined;
}
