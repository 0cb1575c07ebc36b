// Per-watch gauges on /metrics (issue 14), read from storage at each scrape, so that Prometheus
// and Alertmanager users can alert their own way, e.g.
//   relayprobe_watch_verdict{verdict="open"} == 1
//   relayprobe_watch_certificate_days_left < 14
//   time() - relayprobe_watch_last_run_timestamp_seconds > 2 * 86400
// Labels: `watch` (its id) and `target` ("host:port"). A watch that has no value yet (no run, no
// certificate) has no series for it.
import { Gauge } from 'prom-client';
import type { Metrics } from '../metrics.js';
import type { StoredWatch } from './watch-store.js';

/** Register the gauges; `watches` is called at each scrape. */
export function registerWatchMetrics(metrics: Metrics, watches: () => readonly StoredWatch[]): void {
  const labelNames = ['watch', 'target'] as const;
  const labels = (w: StoredWatch) => ({ watch: w.id, target: `${w.target}:${w.port}` });
  const read = watches;
  metrics.register(
    new Gauge({
      name: 'relayprobe_watch_verdict',
      help: 'Current verdict of each watch: 1 for its verdict code.',
      labelNames: [...labelNames, 'verdict'],
      registers: [],
      collect() {
        this.reset();
        for (const w of read()) if (w.state.verdict) this.set({ ...labels(w), verdict: w.state.verdict.code }, 1);
      },
    }),
  );
  metrics.register(
    new Gauge({
      name: 'relayprobe_watch_last_run_timestamp_seconds',
      help: 'When each watch last started a run (seconds since 1970).',
      labelNames,
      registers: [],
      collect() {
        this.reset();
        for (const w of read()) if (w.lastRunAt) this.set(labels(w), Date.parse(w.lastRunAt) / 1000);
      },
    }),
  );
  metrics.register(
    new Gauge({
      name: 'relayprobe_watch_certificate_days_left',
      help: 'Days until the certificate each watch last saw expires (negative once expired).',
      labelNames,
      registers: [],
      collect() {
        this.reset();
        for (const w of read()) if (w.state.certificate) this.set(labels(w), w.state.certificate.daysLeft);
      },
    }),
  );
}
