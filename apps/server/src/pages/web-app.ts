// The built web app (apps/web/dist): index.html is served for / and /r/:id with the page's own
// title, description and Open Graph tags in place of its <title>, so a pasted link previews its
// verdict in chat tools before any JavaScript runs. Absent a build, the server-rendered pages stand in.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { html } from './html.js';

/** Where the web app's build is, seen from this file in src/ or dist/. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TITLE = '<title>relayprobe</title>';

export interface PageHead {
  title: string;
  description: string;
  url?: string | undefined;
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
  private constructor(readonly root: string, private readonly template: string) {}

  /** Load the build at `root`, or undefined when there is none (or it lacks the title placeholder). */
  static load(root: string): WebApp | undefined {
    const file = join(root, 'index.html');
    if (!existsSync(file)) return undefined;
    const template = readFileSync(file, 'utf8');
    return template.includes(TITLE) ? new WebApp(root, template) : undefined;
  }

  /** index.html with this page's head tags. */
  render(head: PageHead): string {
    const tags = headTags(head);
    return this.template.replace(TITLE, tags);
  }
}
