// A WebSocket viewer for the security tests: either the upgrade is refused (status and body kept)
// or the socket opens, and from its first moment every message, ping and the close are recorded,
// so no message is lost between `open` and a listener attached later.
import type { Socket } from 'node:net';
import WebSocket, { type ClientOptions } from 'ws';
import type { ServerMessage } from '@relayprobe/contracts';

/** An open viewer and what it has seen so far. */
export interface RecordingViewer {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Pings received from the server. */
  pings: number;
  /** Resolves with the close code and reason (1006 when the connection just dropped). */
  closed: Promise<{ code: number; reason: string }>;
  /** Stop reading from the TCP socket (a viewer that never reads). */
  pauseReading(): void;
  resumeReading(): void;
}

export type ConnectOutcome = { refused: false; viewer: RecordingViewer } | { refused: true; status: number; body: string };

/** Open a viewer on `url`; resolves once it is open or the upgrade was refused. */
export function connectViewer(url: string, options: ClientOptions = {}): Promise<ConnectOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const viewer: RecordingViewer = {
      ws,
      messages: [],
      pings: 0,
      closed: new Promise((resolveClose) => ws.on('close', (code, reason) => resolveClose({ code, reason: reason.toString() }))),
      pauseReading: () => tcpSocket(ws).pause(),
      resumeReading: () => tcpSocket(ws).resume(),
    };
    ws.on('message', (data) => viewer.messages.push(JSON.parse(data.toString()) as ServerMessage));
    ws.on('ping', () => viewer.pings++);
    ws.once('open', () => resolve({ refused: false, viewer }));
    ws.once('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ refused: true, status: response.statusCode ?? 0, body });
        request.destroy();
      });
    });
    // After `open` or a refusal an error only ends the socket (its close is recorded).
    ws.on('error', (error) => reject(error));
  });
}

/** Open a viewer that must be accepted. */
export async function openViewer(url: string, options: ClientOptions = {}): Promise<RecordingViewer> {
  const outcome = await connectViewer(url, options);
  if (outcome.refused) throw new Error(`upgrade refused: ${outcome.status} ${outcome.body}`);
  return outcome.viewer;
}

/** The underlying TCP socket of a client (ws keeps it in a private field; no public accessor exists). */
function tcpSocket(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/** Resolve when `condition()` holds, polling; reject after `boundMs` (a bound, not a timing assertion). */
export async function eventually(condition: () => boolean, what: string, boundMs = 10_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`still waiting after ${boundMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
