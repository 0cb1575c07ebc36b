// /r/:id without JavaScript: the verdict, the evidence and the transcript, rendered on the server
// as escaped text, with the result's own title, description and Open Graph tags so a pasted link
// previews its verdict in chat tools. A running probe refreshes itself every few seconds.
import { formatTranscript, OUTCOME_WORDS, resultPageTitle, type ResultDocument } from '@relayprobe/contracts';
import { html } from './html.js';
import { headTags } from './web-app.js';
import { PAGE_STYLE } from './page-style.js';

export interface SharePageInput {
  result: ResultDocument;
  /** Absolute link when RELAYPROBE_PUBLIC_URL is set, else the path. */
  url: string;
}

/** Title and description for link previews. */
export function previewOf(result: ResultDocument): { title: string; description: string } {
  const target = result.request.target;
  const title = resultPageTitle(target, result.status, result.verdict?.code);
  if (result.status === 'running') return { title, description: `An open-relay test of ${target} is running.` };
  if (!result.verdict) return { title, description: `The open-relay test of ${target} was interrupted before a verdict.` };
  return { title, description: result.verdict.summary };
}

export function renderSharePage({ result, url }: SharePageInput): string {
  const { title, description } = previewOf(result);
  const verdict = result.verdict;
  const rows = result.vectors
    .map((v) => `<tr><td>${html(v.key)}</td><td><code>${html(v.mailFrom)}</code></td><td><code>${html(v.rcptTo)}</code></td><td>${v.reply ? html(`${v.reply.code} ${v.reply.enhanced ?? ''} ${v.reply.text}`) : ''}</td><td class="o-${html(v.outcome)}">${html(OUTCOME_WORDS[v.outcome])}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
${result.status === 'running' ? '<meta http-equiv="refresh" content="3">' : ''}
${headTags({ title, description, url })}
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<p><a href="/">relayprobe</a></p>
<h1>${html(result.request.target)} <small>port ${result.request.port}, ${html(result.request.suite)} suite</small></h1>
<section role="status" class="verdict v-${verdict ? html(verdict.code) : 'none'}">
${verdict ? `<h2>${html(verdict.label)}</h2><p>${html(verdict.summary)}</p><p><strong>Next:</strong> ${html(verdict.advice)}</p>` : `<h2>${result.status === 'running' ? 'Running…' : 'Interrupted'}</h2><p>${result.status === 'running' ? 'This page refreshes until the test ends.' : 'The test stopped before a verdict; run it again.'}</p>`}
</section>
<h2>Evidence</h2>
<table><thead><tr><th>Test</th><th>MAIL FROM</th><th>RCPT TO</th><th>Reply</th><th>Outcome</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Transcript</h2>
<pre role="log">${formatTranscript(result.events).split('\n').map(html).join('\n')}</pre>
<p><a href="/api/v1/probes/${html(result.id)}">Result as JSON</a></p>
</main>
</body>
</html>
`;
}

/** The same page for unknown and malformed ids (SECURITY.md §4). */
export function renderNotFoundPage(): string {
  return renderMessagePage('Not found', 'No such result', 'The link is wrong or the result is gone.');
}

/** A page that only says something: its title, heading and one sentence (escaped), and a link home. */
export function renderMessagePage(title: string, heading: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${html(title)} · relayprobe</title><style>${PAGE_STYLE}</style></head><body><main><h1>${html(heading)}</h1><p>${html(text)} <a href="/">Start a test</a>.</p></main></body></html>\n`;
}
