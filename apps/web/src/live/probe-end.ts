// Waiting for a probe to end without following it: the Watches page refreshes a watch when its
// run is over. The live stream with `after` past any seq sends no events, only `done`, and closes;
// the page needs nothing from it but that moment (the watch's state comes from the REST API).

/** Resolves once the probe's live stream ends (its `done`, or the socket closing for any reason). */
export function untilProbeEnds(probeId: string): Promise<void> {
  return new Promise((resolve) => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/probes/${encodeURIComponent(probeId)}/events?after=${Number.MAX_SAFE_INTEGER}`);
    socket.addEventListener('close', () => resolve());
    socket.addEventListener('error', () => resolve());
  });
}
