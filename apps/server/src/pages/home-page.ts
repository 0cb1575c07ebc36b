// The front page when there is no web app build (npm run build makes one): what relayprobe is
// and how to start a probe with curl.
import { PAGE_STYLE } from './page-style.js';
import { html } from './html.js';

export function renderHomePage(base: string, tokenRequired: boolean): string {
  const auth = tokenRequired ? " -H 'Authorization: Bearer YOUR_TOKEN'" : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>relayprobe</title><style>${PAGE_STYLE}</style></head>
<body><main>
<h1>relayprobe</h1>
<p>Tests whether a mail server is an open relay, live, with a verdict you can share.</p>
<p>Start a test:</p>
<pre>curl -s -X POST ${html(base)}/api/v1/probes -H 'content-type: application/json'${html(auth)} -d '{"target":"mail.example.com"}'</pre>
<p>then open the <code>url</code> it returns. The API is described at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</main></body></html>
`;
}
