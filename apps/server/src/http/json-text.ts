// Sending JSON that is already text: the result documents of GET /api/v1/probes/:id, written by
// the contracts' toSafeJson (control, bidi and invisible characters as JSON escapes). Fastify
// sends a string as it is, without the route's serializer; the route keeps its response schema
// for the OpenAPI document.
import type { FastifyReply } from 'fastify';

/** Send `text` (a JSON document) as application/json. */
export function sendJsonText(reply: Pick<FastifyReply, 'type'>, text: string): FastifyReply {
  return (reply.type('application/json; charset=utf-8') as FastifyReply).send(text);
}
