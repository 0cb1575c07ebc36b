// The access token survives reloads in localStorage (the DOM contract says so). Storage may be
// unavailable (private mode, disabled cookies): then the token lives only in the store.
const KEY = 'relayprobe.token';

/** The stored token, or '' when none or storage is unavailable. */
export function loadToken(storage: Pick<Storage, 'getItem'> | undefined): string {
  try {
    return storage?.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

/** Store (or, for '', forget) the token; false when storage refused. */
export function saveToken(storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined, token: string): boolean {
  try {
    if (!storage) return false;
    if (token === '') storage.removeItem(KEY);
    else storage.setItem(KEY, token);
    return true;
  } catch {
    return false;
  }
}

/** The browser's localStorage, or undefined where reading it throws (blocked storage). */
export function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
