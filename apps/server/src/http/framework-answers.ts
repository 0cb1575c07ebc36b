// What Fastify and Node would answer in their own words, answered in the API's error format
// instead (`{ error: { code, message } }`, contracts/api.ts), without echoing the request: a path
// parameter too long (414) or a malformed URL, and the errors Node's HTTP parser raises before
// Fastify sees a request (headers too large, a request line that is not HTTP, a request too slow
// to arrive). The parser's errors have no reply object, so they are written on the socket raw.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError, ApiErrorCode } from '@relayprobe/contracts';
import { sendError } from './api-errors.js';

/** A complete HTTP/1.1 response carrying an API error, for a socket that has no reply object; the connection closes after it. */
export function rawApiError(status: number, code: ApiErrorCode, message: string): string {
  const body: ApiError = { error: { code, message } };
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` + `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`;
}

/** Fastify's `frameworkErrors`: router errors that happen before a route is found. */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') void sendError(reply, 414, 'invalid-request', 'The URL is too long: no relayprobe link or id is that long.');
  else if (error.code === 'FST_ERR_BAD_URL') void sendError(reply, 400, 'invalid-request', 'The URL is not valid (a broken percent-encoding).');
  else void sendError(reply, 500, 'internal-error');
}

/** Fastify's `clientErrorHandler`: errors of Node's HTTP parser, answered raw, then the socket is closed. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? rawApiError(408, 'invalid-request', 'The request took too long to arrive.')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? rawApiError(431, 'invalid-request', 'The request line and headers are larger than this server accepts (16 KiB).')
        : rawApiError(400, 'invalid-request', 'The request is not valid HTTP/1.1.');
  if (socket.writable) socket.write(answer);
  socket.destroy();
}
