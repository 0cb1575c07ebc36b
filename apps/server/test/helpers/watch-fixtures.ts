// Helpers of the watch tests (and the lab's flip test and the benchmark, by relative path): a
// webhook receiver on loopback that records every request and answers as told, a switchable SMTP
// target (one loopback port that forwards each new connection to whichever server is current, so a
// test can flip a "server" from closed to open), the watch API calls, and HMAC checking.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT */
  base: string;
  requests: ReceivedRequest[];
  /** The status the next requests get (default 200). */
  answer(status: number): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 port 0 that records every request. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let status = 200;
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    answer: (next) => (status = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Whether `header` is `sha256=` HMAC-SHA256 of `body` under `secret`. */
export function validSignature(body: string, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body, 'utf8').digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface SwitchableTarget {
  port: number;
  /** Forward new connections to this port on 127.0.0.1, or refuse them (`down`: accepted and closed at once). */
  point(to: number | 'down'): void;
  close(): Promise<void>;
}

/** One loopback port in front of interchangeable SMTP servers. */
export async function startSwitchableTarget(initial: number | 'down'): Promise<SwitchableTarget> {
  let upstream = initial;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (upstream === 'down') return client.destroy();
    const server = net.connect(upstream, '127.0.0.1');
    sockets.add(server);
    server.on('close', () => sockets.delete(server));
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    point: (to) => (upstream = to),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** JSON request to the API: status and parsed body (undefined for an empty one). */
export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
