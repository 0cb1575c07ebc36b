// A router without a library: the route is location.pathname, links and actions push history
// entries, and popstate (back/forward) re-reads it. No reload ever happens inside the app.
import { useSyncExternalStore, type MouseEvent } from 'react';
import { routeOf, type Route } from './routes.js';

const listeners = new Set<() => void>();
let current: Route = routeOf(location.pathname);
/** The page has moved within the app since it loaded (a link, a form, back or forward). */
let movedInApp = false;

function update(): void {
  const next = routeOf(location.pathname);
  if (JSON.stringify(next) === JSON.stringify(current)) return;
  current = next;
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', () => {
  movedInApp = true;
  update();
});

/**
 * True when the page on screen was reached inside the app rather than loaded: such a page moves
 * focus to its heading, as a new page load would put a screen reader at its start.
 */
export function arrivedInApp(): boolean {
  return movedInApp;
}

/** Go to `path` in the app (history.pushState, no reload) and scroll to the top. */
export function navigate(path: string): void {
  if (path !== location.pathname) history.pushState(null, '', path);
  movedInApp = true;
  update();
  window.scrollTo(0, 0);
}

/** The current route; re-renders on navigation. */
export function useRoute(): Route {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

/** onClick for an in-app <a href>: navigate without reload, unless the reader asked for a new tab or window. */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute('href') ?? '/');
}
