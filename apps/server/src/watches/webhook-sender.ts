// POSTs one alert to a checked webhook (webhook-target.ts): the socket goes to the checked address
// (the `lookup` below answers with it, so Node never asks DNS again), TLS verifies the certificate
// for the URL's host name, redirects are not followed (a 3xx is a failure: following one would
// leave the checked address), the whole request has one deadline, and at most 4 KiB of the answer
// is read. Results are values: delivered, or failed with whether a retry can help.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { RELAYPROBE_VERSION } from '@relayprobe/contracts';
import type { WebhookTarget } from './webhook-target.js';

/** The whole request, connect to last byte of the answer. */
const REQUEST_DEADLINE_MS = 10_000;
const MAX_ANSWER_BYTES = 4096;

/** What one attempt came to. */
export type AttemptOutcome = { ok: true; responseStatus?: number } | { ok: false; permanent: boolean; responseStatus?: number; error: string };

/** 4xx answers that a retry may fix (RFC 9110 §15.5.9 Request Timeout, RFC 6585 §4 Too Many Requests). */
const RETRYABLE_4XX = new Set([408, 425, 429]);

/** Send `body` to the checked target with extra headers. */
export function postWebhook(target: WebhookTarget, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<AttemptOutcome> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const { url } = target;
  const client = url.protocol === 'https:' ? https : http;
  const deadline = AbortSignal.timeout(REQUEST_DEADLINE_MS);
  const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup,
        signal: abort,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': `relayprobe/${RELAYPROBE_VERSION}`, ...headers },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        const settle = () => {
          if (status >= 200 && status < 300) resolve({ ok: true, responseStatus: status });
          else if (status >= 300 && status < 400) resolve({ ok: false, permanent: true, responseStatus: status, error: `HTTP ${status}: redirects are not followed (update the URL)` });
          else resolve({ ok: false, permanent: status >= 400 && status < 500 && !RETRYABLE_4XX.has(status), responseStatus: status, error: `HTTP ${status}` });
        };
        response.on('end', settle);
        response.on('close', settle);
        response.on('error', settle);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const why = abort.aborted && !signal?.aborted ? `no answer within ${REQUEST_DEADLINE_MS / 1000} s` : (error.code ?? error.message);
      resolve({ ok: false, permanent: false, error: `${url.protocol === 'https:' ? 'HTTPS' : 'HTTP'} request failed: ${why}` });
    });
    request.end(body);
  });
}
