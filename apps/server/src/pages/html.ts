// HTML escaping for the few server-rendered pages: every value is text, never markup
// (SECURITY.md §4). Control and bidi characters are made visible first.
import { escapeForDisplay } from '@relayprobe/contracts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text → safe HTML text (also safe inside a double- or single-quoted attribute). */
export function html(text: string): string {
  return escapeForDisplay(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch] as string);
}
