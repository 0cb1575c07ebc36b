// The built web app (apps/web/dist): index.html is served for / and /r/:id with the page's own
// title, description and Open Graph tags in place of its <title>, so a pasted link previews its
// verdict in chat tools before any JavaScript runs, and the service's settings the app reads (the
// PAGE_SETTING_NAMES meta tags). Absent a build, the server-rendered pages stand in.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PAGE_SETTING_NAMES } from '@relayprobe/contracts';
import { html } from './html.js';

/** Where the web app's build is, seen from this file in src/ or dist/. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TITLE = '<title>relayprobe</title>';

export interface PageHead {
  title: string;
  description: string;
  /** og:url: only an absolute link (RELAYPROBE_PUBLIC_URL set); a preview cannot use a path. */
  url?: string | undefined;
}

/** What the web app needs to know of the service's configuration. */
export interface PageSettings {
  oldResultDays: number;
  publicUrl: string | undefined;
}

/** The settings as meta tags, escaped. */
function settingTags(settings: PageSettings): string[] {
  return [
    `<meta name="${PAGE_SETTING_NAMES.oldResultDays}" content="${settings.oldResultDays}">`,
    ...(settings.publicUrl ? [`<meta name="${PAGE_SETTING_NAMES.publicUrl}" content="${html(settings.publicUrl)}">`] : []),
  ];
}

/** The title, description and link-preview (Open Graph) tags of a page, escaped. */
export function headTags(head: PageHead): string {
  return [
    `<title>${html(head.title)}</title>`,
    `<meta name="description" content="${html(head.description)}">`,
    '<meta property="og:type" content="website">',
    '<meta property="og:site_name" content="relayprobe">',
    `<meta property="og:title" content="${html(head.title)}">`,
    `<meta property="og:description" content="${html(head.description)}">`,
    ...(head.url ? [`<meta property="og:url" content="${html(head.url)}">`] : []),
    '<meta name="twitter:card" content="summary">',
  ].join('\n    ');
}

export class WebApp {
  private constructor(
    readonly root: string,
    private readonly template: string,
    private readonly settings: string,
  ) {}

  /** Load the build at `root`, or undefined when there is none (or it lacks the title placeholder). */
  static load(root: string, settings: PageSettings): WebApp | undefined {
    const file = join(root, 'index.html');
    if (!existsSync(file)) return undefined;
    const template = readFileSync(file, 'utf8');
    return template.includes(TITLE) ? new WebApp(root, template, settingTags(settings).join('\n    ')) : undefined;
  }

  /** index.html with this page's head tags and the service's settings. */
  render(head: PageHead): string {
    const tags = `${headTags(head)}\n    ${this.settings}`;
    // A function, so that "$&" or "$'" in a title is not read as a replacement pattern.
    return this.template.replace(TITLE, () => tags);
  }
}
