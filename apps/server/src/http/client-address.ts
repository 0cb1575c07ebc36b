// The client id behind a trusted proxy (SECURITY.md §4). With RELAYPROBE_TRUST_PROXY set, Fastify
// takes the client's address from X-Forwarded-For, and takes whatever text stands there: a proxy
// that passes on what the client wrote, or a client inside the trusted range, could then name
// itself anew on every request and get a fresh rate-limit budget each time. A forwarded id that
// is not an IP address is refused before any route (and any limit) sees it.
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './api-errors.js';

const NOT_AN_ADDRESS =
  'The X-Forwarded-For header from the proxy does not end in an IP address, so this client cannot be told apart; ' +
  'the proxy in front of relayprobe should replace that header with the address of the client.';

/** An onRequest hook (only needed when a proxy is trusted): 400 when the client id is not an IP address. */
export async function refuseNonAddressClientId(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // app.inject has no socket and so no address at all; a real connection always has one.
  if (typeof request.ip === 'string' && isIP(request.ip) === 0) await sendError(reply, 400, 'invalid-request', NOT_AN_ADDRESS);
}
