// Benchmark (not a test): the web app's two figures from DESIGN.md, "Performance targets":
// (a) initial JavaScript <= 90 KB gzipped: the module scripts and modulepreload links that
//     apps/web/dist/index.html loads before anything runs, each gzipped (zlib, default level as
//     a server would send it), summed; lazy chunks are not initial and are not counted;
// (b) how long a transcript event takes to become a line on the result page, in Chromium
//     (web-line-latency.ts).
//
// Run alone, after `npx turbo run build` (it serves apps/web/dist through the built server and
// drives Debian's Chromium, scripts/ensure-chromium.sh):  node --import tsx bench/web.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_PATH } from '../e2e/support/chromium.js';
import { measureLineLatency } from './web-line-latency.js';

const WEB_DIST = fileURLToPath(new URL('../apps/web/dist/', import.meta.url));
const TARGET_KB = 90;

/** Attribute values of the tags in `html` whose name is `tag` (a small reader for Vite's own output). */
function tags(html: string, tag: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'gi'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)(?:\s*=\s*"([^"]*)")?/g)].map((a) => [(a[1] ?? '').toLowerCase(), a[2] ?? ''])),
  );
}

/** The JavaScript files index.html loads up front: module scripts and modulepreload links. */
export function initialScripts(indexHtml: string): string[] {
  const scripts = tags(indexHtml, 'script').flatMap((a) => (a.src ? [a.src] : []));
  const preloads = tags(indexHtml, 'link').flatMap((a) => (a.rel === 'modulepreload' && a.href ? [a.href] : []));
  return [...new Set([...scripts, ...preloads])];
}

/** Prints the gzipped size of the initial JavaScript; throws when a file is missing or remote. */
export function measureInitialJs(): void {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: build first (npx turbo run build)`);
  const files = initialScripts(readFileSync(index, 'utf8'));
  if (files.length === 0) throw new Error('index.html loads no script');
  let total = 0;
  const parts: string[] = [];
  for (const src of files) {
    if (/^[a-z]+:|^\/\//i.test(src)) throw new Error(`index.html loads a script from elsewhere: ${src}`);
    const gzipped = gzipSync(readFileSync(join(WEB_DIST, src.replace(/^\//, '')))).length;
    total += gzipped;
    parts.push(`${src} ${(gzipped / 1024).toFixed(1)} KB`);
  }
  console.log(`web initial JS: ${(total / 1024).toFixed(1)} KB gzipped (target <= ${TARGET_KB} KB)`);
  console.log(`  ${parts.join(', ')}`);
}

/** Both web figures. */
export async function run(): Promise<void> {
  measureInitialJs();
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run scripts/ensure-chromium.sh`);
  await measureLineLatency();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
