// The POST /api/v1/probes body (contracts' CreateProbeBody) for the options a visitor chooses,
// whether they come from the form (input-check.ts, after checking) or from a stored request run
// again ("Run again"). One builder, so both send the same thing: `sendMessage` only when it is on,
// `to` only with it and only when given, and nothing the server chose itself (HELO name, test
// domain, timeout), which a stored request also carries.
import type { CreateProbeBody, ProbeRequest } from '@relayprobe/contracts';

/** The options of a probe that both the API and the CLI take. */
export type ProbeOptions = Pick<ProbeRequest, 'target' | 'port' | 'suite' | 'tls' | 'sendMessage' | 'to'>;

/** The request body that starts a probe with `options`, and no other field. */
export function probeBody(options: ProbeOptions): CreateProbeBody {
  const body: CreateProbeBody = { target: options.target, port: options.port, suite: options.suite, tls: options.tls };
  if (options.sendMessage) {
    body.sendMessage = true;
    if (options.to !== undefined && options.to !== '') body.to = options.to;
  }
  return body;
}
