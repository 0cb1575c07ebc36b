// Script injected into the result page before any of its own code runs (page.addInitScript), for
// bench/web.ts. Plain JavaScript in a string: bench/ is typechecked without the DOM library.
//
// It records, on `window.__relayprobeBench`:
// - `messages`: every WebSocket message as it is dispatched, before the app's own listeners (ours
//   is added in the constructor, so it runs first): `performance.timeOrigin + performance.now()`,
//   `Date.now()` (to compare with the clock of the process that wrote the SMTP bytes), the raw
//   data (parsed later, so the app's handler is not delayed by our parsing);
// - `snapshots`: the text of the role=log element each time a DOM mutation changed it (the
//   MutationObserver callback runs right after the DOM change, before the next paint), with the
//   time of that callback and of the next animation frame (the frame that paints the change).

/** The init script's source. */
export const PAGE_HOOKS = String.raw`(() => {
  const bench = { messages: [], snapshots: [], done: false };
  window.__relayprobeBench = bench;
  const now = () => performance.timeOrigin + performance.now();

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        bench.messages.push({ t: now(), wall: Date.now(), data: String(event.data) });
        if (String(event.data).includes('"type":"done"')) bench.done = true;
      });
    }
  };

  let lastText = '';
  let pendingFrame = [];
  const observer = new MutationObserver(() => {
    const log = document.querySelector('[role="log"]');
    if (!log) return;
    const text = log.textContent || '';
    if (text === lastText) return;
    lastText = text;
    const snapshot = { t: now(), frameT: null, text };
    bench.snapshots.push(snapshot);
    pendingFrame.push(snapshot);
    if (pendingFrame.length === 1) {
      requestAnimationFrame(() => {
        const at = now();
        for (const s of pendingFrame) s.frameT = at;
        pendingFrame = [];
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();`;
