// Every API error is JSON with a stable code and a sentence a person can act on (contracts/api.ts).
import type { FastifyReply } from 'fastify';
import { API_ERROR_CODES, type ApiError, type ApiErrorCode } from '@relayprobe/contracts';

/** Send an API error. */
export function sendError(reply: FastifyReply, status: number, code: ApiErrorCode, message: string = API_ERROR_CODES[code], field?: string): FastifyReply {
  const body: ApiError = { error: { code, message, ...(field ? { field } : {}) } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Result ids are 16 random bytes in base64url: exactly 22 characters (SECURITY.md §4). */
export const RESULT_ID = /^[A-Za-z0-9_-]{22}$/;
