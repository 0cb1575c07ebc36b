// The app's pages by path: "/" (the form and recent results) and "/r/:id" (one result). The
// server sends index.html for both (and for an unknown result id, with status 404).

/** A page of the app; `no-result` is a /r/ path that cannot be a result id; `watches` may name one watch to show first. */
export type Route = { page: 'home' } | { page: 'result'; id: string } | { page: 'no-result' } | { page: 'watches'; id?: string } | { page: 'unknown' };

const WATCHES_PATH = /^\/watches(?:\/([A-Za-z0-9_-]{1,64}))?\/?$/;

/** Result ids are base64url (SECURITY.md §4); anything else under /r/ is not a result. */
const RESULT_PATH = /^\/r\/([A-Za-z0-9_-]{1,64})\/?$/;

/** The route for a location pathname. */
export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'home' };
  const match = RESULT_PATH.exec(pathname);
  if (match) return { page: 'result', id: match[1] as string };
  const watches = WATCHES_PATH.exec(pathname);
  if (watches) return watches[1] ? { page: 'watches', id: watches[1] } : { page: 'watches' };
  // The server answers such links with the same 404 as an unknown id (SECURITY.md §4); so does the page.
  return pathname.startsWith('/r/') ? { page: 'no-result' } : { page: 'unknown' };
}

/** The path of a result's page; `server` selects a server of a domain test (`?server=N`). */
export function resultPath(id: string, server?: number): string {
  return `/r/${encodeURIComponent(id)}${server !== undefined ? `?server=${server}` : ''}`;
}

/** The server a result link selects (`?server=N`, N from 1), or undefined. */
export function serverParam(search: string): number | undefined {
  const value = new URLSearchParams(search).get('server');
  return value !== null && /^[1-9]\d{0,2}$/.test(value) ? Number(value) : undefined;
}

/** The path of the Watches page, or of one watch on it. */
export function watchesPath(id?: string): string {
  return id === undefined ? '/watches' : `/watches/${encodeURIComponent(id)}`;
}
