// Every API error is JSON with a stable code and a sentence a person can act on (contracts/api.ts).
import type { FastifyReply } from 'fastify';
import { API_ERROR_CODES, RESULT_ID_PATTERN, type ApiError, type ApiErrorCode } from '@relayprobe/contracts';

/** Send an API error. */
export function sendError(reply: FastifyReply, status: number, code: ApiErrorCode, message: string = API_ERROR_CODES[code], field?: string): FastifyReply {
  const body: ApiError = { error: { code, message, ...(field ? { field } : {}) } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** The result id format of the contracts, for routes that check it before the schema runs. */
export const RESULT_ID = new RegExp(RESULT_ID_PATTERN);
