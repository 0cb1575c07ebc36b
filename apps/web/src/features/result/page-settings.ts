// The service's settings the page needs, read from the meta tags the server writes into the
// index.html it serves (contracts' PAGE_SETTING_NAMES; apps/server pages/web-app.ts): there is no
// settings endpoint, and these are known before the first render without a request. A page served
// some other way (a dev server, a missing tag) gets the documented defaults.
import { PAGE_SETTING_NAMES } from '@relayprobe/contracts';

/** RELAYPROBE_OLD_RESULT_DAYS and RELAYPROBE_PUBLIC_URL, as the page uses them. */
export interface PageSettings {
  /** A finished result at least this many days old says so and offers "Run again" first; 0: never. */
  oldResultDays: number;
  /** The origin people use, when the operator set one; share links are built on it. */
  publicUrl: string | undefined;
}

/** RELAYPROBE_OLD_RESULT_DAYS's documented default (docs/self-hosting.md). */
const DEFAULT_OLD_RESULT_DAYS = 30;

/** The settings from `meta(name)`, the content of the meta tag of that name (undefined when absent). */
export function readPageSettings(meta: (name: string) => string | null | undefined): PageSettings {
  const days = meta(PAGE_SETTING_NAMES.oldResultDays);
  const publicUrl = meta(PAGE_SETTING_NAMES.publicUrl);
  return {
    oldResultDays: days && /^\d{1,5}$/.test(days) ? Number(days) : DEFAULT_OLD_RESULT_DAYS,
    publicUrl: publicUrl && /^https?:\/\/[^/?#\s]+$/.test(publicUrl) ? publicUrl : undefined,
  };
}

let cached: PageSettings | undefined;

/** This page's settings (read once: the server writes them when it serves the page). */
export function pageSettings(): PageSettings {
  cached ??= readPageSettings((name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content'));
  return cached;
}
