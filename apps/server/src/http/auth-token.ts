// RELAYPROBE_AUTH_TOKEN guards starting probes (and listing results and /metrics); reading a
// result by its link never needs it, since the link is the capability. Compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './api-errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * A preHandler that refuses requests without the right bearer token (no-op when no token is
 * configured); `guarded` completes "This server requires a token to ...", e.g. "list the stored results".
 */
export function tokenGuard(token: string | undefined, guarded: string) {
  const message = `This server requires a token to ${guarded} (Authorization: Bearer <token>).`;
  const expected = token === undefined ? undefined : digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!expected) return;
    const header = request.headers.authorization ?? '';
    const given = /^Bearer (\S+)$/i.exec(header)?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      await sendError(reply.header('www-authenticate', 'Bearer realm="relayprobe"'), 401, 'unauthorized', message);
    }
  };
}
