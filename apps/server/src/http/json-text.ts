// Sending JSON that is already text: the result documents of GET /api/v1/probes/:id, written by
// the contracts' toSafeJson (control, bidi and invisible characters as JSON escapes), a finished
// one built once and kept as bytes (probes/finished-results.ts). Fastify sends a string or a
// Buffer as it is, without the route's serializer; the route keeps its response schema for the
// OpenAPI document.
import type { FastifyReply } from 'fastify';

/** Send `text` (a JSON document, as a string or UTF-8 bytes) as application/json. */
export function sendJsonText(reply: Pick<FastifyReply, 'type'>, text: string | Buffer): FastifyReply {
  return (reply.type('application/json; charset=utf-8') as FastifyReply).send(text);
}
