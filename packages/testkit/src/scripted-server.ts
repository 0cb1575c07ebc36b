// A raw `net` server that runs a session script per connection: the base of the profiles, the
// hostile scenarios and the trap. A script that throws only loses its own connection.
import { startLoopbackListener } from './loopback-listener.js';
import { SocketPeer } from './raw-peer.js';
import type { ScriptedServerOptions, ServerHandle, SessionScript } from './types.js';

/** Listens on 127.0.0.1:0 (or `options.listen`) and runs `script` for every accepted connection. */
export function startScriptedServer(script: SessionScript, options: ScriptedServerOptions = {}): Promise<ServerHandle> {
  const tlsVariant = options.tls ?? 'valid';
  return startLoopbackListener((socket) => {
    const peer = new SocketPeer(socket, tlsVariant);
    void runScript(peer, script, options.implicitTls === true);
    return peer;
  }, options.listen);
}

async function runScript(peer: SocketPeer, script: SessionScript, implicitTls: boolean): Promise<void> {
  try {
    // RFC 8314 §3.3: implicit TLS starts the handshake at once; the script only runs inside it.
    if (implicitTls && (await peer.upgradeToTls()) === null) {
      peer.destroy();
      return;
    }
    await script(peer);
  } catch (err) {
    // A script error ends only its own connection, but is never silent: a kit bug or a broken
    // custom script must show up in the test output.
    process.emitWarning(`testkit session script failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    peer.destroy();
  }
}
