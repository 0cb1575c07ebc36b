// Preloaded into the server child by bench/service-load.ts (`node --import <this> dist/server.js`):
// samples the server's own event-loop delay with perf_hooks.monitorEventLoopDelay and answers
// the benchmark over the IPC channel. Plain JavaScript on purpose: loading tsx into the server
// under test would add its memory to the RSS being measured.
//   on start                           child → { type: 'loop-ready' }
//   parent → { type: 'loop-reset' }   child → { type: 'loop-reset' }
//   parent → { type: 'loop-report' }  child → { type: 'loop-report', p50Ms, p99Ms, maxMs, meanMs, samples }
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Sampling timer period in ms (Node's default): a delay shorter than this can go unseen. */
const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();

const ms = (nanoseconds) => nanoseconds / 1e6;

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message?.type === 'loop-reset') {
      histogram.reset();
      process.send({ type: 'loop-reset' });
    } else if (message?.type === 'loop-report') {
      process.send({
        type: 'loop-report',
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        meanMs: ms(histogram.mean),
        samples: histogram.count,
      });
    }
  });
  process.send({ type: 'loop-ready' });
  // The channel must not keep a server that is shutting down alive.
  process.channel?.unref();
}
