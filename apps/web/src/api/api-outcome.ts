// What a call to the relayprobe API came to, as a value (HOUSE-STYLE rule 7): the body, or the
// server's error code and its sentence (contracts/api.ts ApiError), or why there was no answer.

/** Success with a value, or a failure with the HTTP status (0: no answer) and a sentence to show. */
export type ApiOutcome<T> = { ok: true; value: T } | { ok: false; status: number; code: string; message: string; field?: string };

/** The failure an error response stands for: the server's `{ error: { code, message, field? } }` when it sent one. */
export function readApiError(status: number, body: unknown): Extract<ApiOutcome<never>, { ok: false }> {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message, field } = error as Record<string, unknown>;
    if (typeof code === 'string' && typeof message === 'string') {
      return { ok: false, status, code, message, ...(typeof field === 'string' ? { field } : {}) };
    }
  }
  return { ok: false, status, code: 'unexpected-response', message: `The relayprobe server answered with HTTP status ${status}.` };
}

/** The failure for a request that got no answer at all. */
export function networkFailure(error: unknown): Extract<ApiOutcome<never>, { ok: false }> {
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  return { ok: false, status: 0, code: 'network-error', message: `Could not reach the relayprobe server${detail}.` };
}
