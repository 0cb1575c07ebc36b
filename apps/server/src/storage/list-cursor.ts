// The opaque cursor of GET /api/v1/probes (`before` / `next`): the position of the last item of a
// page, (createdAt, id), as base64url JSON. Keyset paging, not OFFSET: a page stays right while
// new probes are added, and ties on createdAt are broken by id, so no row is skipped or repeated.

/** A position in the newest-first order. */
export interface ListPosition {
  createdAt: string;
  id: string;
}

/** Longest cursor accepted (the API caps `before` at 200 characters). */
const MAX_CURSOR_LENGTH = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CANONICAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** True for a timestamp in Date#toISOString form, whose text order is its time order. */
export function isCanonicalTimestamp(value: string): boolean {
  if (!CANONICAL_TIMESTAMP.test(value)) return false;
  const time = Date.parse(value);
  return Number.isFinite(time) && new Date(time).toISOString() === value;
}

/** The cursor that continues after this position. */
export function encodeListCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString('base64url');
}

/** Parse a cursor; anything this module did not produce is refused. */
export function decodeListCursor(cursor: string): { ok: true; position: ListPosition } | { ok: false; code: 'invalid-cursor'; message: string } {
  const refuse = (why: string) => ({ ok: false, code: 'invalid-cursor', message: `The list cursor is not valid (${why}); start again without it.` }) as const;
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) return refuse('bad length');
  if (!BASE64URL.test(cursor)) return refuse('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refuse('not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return refuse('wrong shape');
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || id.length === 0) return refuse('wrong shape');
  if (!isCanonicalTimestamp(createdAt)) return refuse('bad timestamp');
  return { ok: true, position: { createdAt, id } };
}
