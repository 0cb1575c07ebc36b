// /r/:id without JavaScript: the verdict, the evidence and the transcript, rendered on the server
// as escaped text, with the result's own title, description and Open Graph tags so a pasted link
// previews its verdict in chat tools. A running probe refreshes itself every few seconds.
import { durationText, formatTranscript, OUTCOME_WORDS, resultPageTitle, utcDayText, type ResultDocument } from '@relayprobe/contracts';
import { html } from './html.js';
import { headTags } from './web-app.js';
import { PAGE_STYLE } from './page-style.js';

export interface SharePageInput {
  result: ResultDocument;
  /** og:url: the absolute link when RELAYPROBE_PUBLIC_URL is set, else none. */
  url: string | undefined;
}

/** How long the probe took: the document's duration, else (interrupted) its last event's time. */
function durationOf(result: ResultDocument): number | undefined {
  return result.durationMs ?? result.events.at(-1)?.ms;
}

/**
 * When, where and how long, for a preview (UTC: the reader's zone is unknown here):
 * "Tested 3 Dec 2026 at 14:05 UTC on port 25; took 4.2 s."
 */
export function testedWhen(result: ResultDocument): string {
  const day = utcDayText(result.startedAt);
  const at = day === undefined ? '' : ` ${day} at ${result.startedAt.slice(11, 16)} UTC`;
  const port = ` on port ${result.request.port}`;
  if (result.status === 'running') return `Started${at}${port}.`;
  const took = durationOf(result);
  return `Tested${at}${port}${took === undefined ? '' : `; took ${durationText(took)}`}.`;
}

/** Title and description for link previews: what came out first, then when, where and how long. */
export function previewOf(result: ResultDocument): { title: string; description: string } {
  const { target, port } = result.request;
  const title = resultPageTitle({ target, port, status: result.status, verdict: result.verdict?.code, startedAt: result.startedAt });
  const when = testedWhen(result);
  if (result.status === 'running') return { title, description: `An open-relay test of ${target} is running. ${when}` };
  if (!result.verdict) return { title, description: `The open-relay test of ${target} was interrupted before a verdict. ${when}` };
  return { title, description: `${result.verdict.summary} ${when}` };
}

export function renderSharePage({ result, url }: SharePageInput): string {
  const { title, description } = previewOf(result);
  const verdict = result.verdict;
  // A domain test: its servers, each with its verdict (the page with JavaScript shows each one's evidence).
  const servers = (result.servers ?? [])
    .map(
      (x) =>
        `<tr><td>${x.server}</td><td>${x.preference}</td><td>${html(x.host)}</td><td>${html(x.address ?? '')}</td><td class="v-${html(x.verdict?.code ?? 'none')}">${html(x.verdict?.label ?? (x.notTested ? `not tested: ${x.notTested.text}` : x.status))}</td></tr>`,
    )
    .join('\n');
  const rows = result.vectors
    .map(
      (v) =>
        `<tr><td>${html(v.key)}</td><td><code>${html(v.mailFrom)}</code></td><td><code>${html(v.rcptTo)}</code></td><td>${v.reply ? html(`${v.reply.code} ${v.reply.enhanced ?? ''} ${v.reply.text}`) : ''}</td><td class="o-${html(v.outcome)}">${html(OUTCOME_WORDS[v.outcome])}</td></tr>`,
    )
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
<p><time datetime="${html(result.startedAt)}">${html(testedWhen(result))}</time></p>
<section role="status" class="verdict v-${verdict ? html(verdict.code) : 'none'}">
${verdict ? `<h2>${html(verdict.label)}</h2><p>${html(verdict.summary)}</p><p><strong>Next:</strong> ${html(verdict.advice)}</p>` : `<h2>${result.status === 'running' ? 'Running…' : 'Interrupted'}</h2><p>${result.status === 'running' ? 'This page refreshes until the test ends.' : 'The test stopped before a verdict; run it again.'}</p>`}
</section>
${servers ? `<h2>Servers</h2>\n<table><thead><tr><th>#</th><th>MX</th><th>Host</th><th>Address</th><th>Verdict</th></tr></thead><tbody>\n${servers}\n</tbody></table>` : ''}
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
