// A DNS resolver for tests: answers from a fixed zone, counts every question, never touches the
// network. An answer may depend on how often the name was asked, to play a rebinding attacker;
// it may also be a DNS error code, or a query that never answers (timeouts).
import type { DnsResolver } from '../src/index.js';

type Mx = { exchange: string; priority: number };
/**
 * Records; records by call number (1 for the first question about the name); a node dns error
 * code (`{ error: 'ESERVFAIL' }`); or 'never' (the query hangs forever).
 */
export type Answer<T> = T | ((call: number) => T) | { error: string } | 'never';

export interface Zone {
  mx?: Record<string, Answer<Mx[]>>;
  a?: Record<string, Answer<string[]>>;
  aaaa?: Record<string, Answer<string[]>>;
}

/** Unknown names are NXDOMAIN (ENOTFOUND); a known name without the record type is ENODATA. */
export class ScriptedResolver implements DnsResolver {
  /** Every question, in order: "MX name", "A name", "AAAA name". */
  readonly calls: string[] = [];

  constructor(private readonly zone: Zone = {}) {}

  resolveMx(name: string): Promise<Mx[]> {
    return this.answer('MX', name, this.zone.mx);
  }

  resolve4(name: string): Promise<string[]> {
    return this.answer('A', name, this.zone.a);
  }

  resolve6(name: string): Promise<string[]> {
    return this.answer('AAAA', name, this.zone.aaaa);
  }

  /** How often `type name` was asked. */
  asked(type: 'MX' | 'A' | 'AAAA', name: string): number {
    return this.calls.filter((c) => c === `${type} ${name}`).length;
  }

  private answer<T>(type: string, name: string, table: Record<string, Answer<T>> | undefined): Promise<T> {
    this.calls.push(`${type} ${name}`);
    const answer = table?.[name];
    if (answer === 'never') return new Promise<T>(() => {});
    if (answer === undefined) {
      const known = [this.zone.mx, this.zone.a, this.zone.aaaa].some((t) => t !== undefined && name in t);
      return Promise.reject(dnsError(known ? 'ENODATA' : 'ENOTFOUND', name));
    }
    if (typeof answer === 'object' && answer !== null && 'error' in answer) return Promise.reject(dnsError(answer.error, name));
    return Promise.resolve(typeof answer === 'function' ? (answer as (call: number) => T)(this.asked(type as 'A', name)) : (answer as T));
  }
}

/** An error shaped as node:dns rejects: `code` and `hostname`. */
function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`query ${code} ${name}`), { code, hostname: name });
}
