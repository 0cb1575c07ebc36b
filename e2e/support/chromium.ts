// The browser every Playwright run here drives: Debian's Chromium, launched so that it sends
// nothing off this machine. Shared by playwright.config.ts and bench/web.ts.

/** Debian's Chromium (scripts/ensure-chromium.sh installs it; never `npx playwright install`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Switches: no sandbox (root in a container), no GPU, and no traffic off this machine. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Debian's Chromium looks up Google hosts even with background networking off (STACK.md
  // pitfall 7): every name but the loopback ones resolves to nothing. Keep the EXCLUDEs or the
  // page itself does not load.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
