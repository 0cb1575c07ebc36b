// Prometheus metrics for GET /metrics, through prom-client: relayprobe's own series plus the
// client's default process and event-loop metrics (process_cpu_user_seconds_total,
// nodejs_eventloop_lag_seconds, heap, handles, GC, ...).
//
// Invariants: the relayprobe_* names, types, labels and help texts are the ones exposed before
// prom-client (dashboards depend on them; docs/self-hosting.md lists them). Each app instance has
// its own registry, never prom-client's global one, so apps built side by side (tests) count
// separately. The default metrics describe the process, not an app, and their collectors (an
// event-loop delay monitor, a GC observer) cannot be stopped: they are created once per process
// and registered in every app's registry.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

/** Duration buckets in seconds; a full suite against a slow or greylisting server takes minutes. */
const BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

/** What the running and queued gauges read at each scrape (the probe manager). */
export interface ProbeLoad {
  readonly runningCount: number;
  readonly queuedCount: number;
}

let processMetrics: Registry | undefined;

/** The default metrics, collected once per process. */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** One app's metrics: its registry, the probe counters and histogram, and the load gauges. */
export class Metrics {
  private load: ProbeLoad = { runningCount: 0, queuedCount: 0 };
  private readonly registry: Registry;
  private readonly started: Counter;
  private readonly finished: Counter<'verdict'>;
  private readonly duration: Histogram;

  constructor() {
    const own = new Registry();
    const registers = [own];
    this.started = new Counter({ name: 'relayprobe_probes_started_total', help: 'Probes accepted for running.', registers });
    this.finished = new Counter({ name: 'relayprobe_probes_finished_total', help: 'Probes finished, by verdict (or interrupted).', labelNames: ['verdict'] as const, registers });
    this.duration = new Histogram({ name: 'relayprobe_probe_duration_seconds', help: 'Wall time of finished probes.', buckets: BUCKETS, registers });
    const load = () => this.load;
    new Gauge({
      name: 'relayprobe_probes_running',
      help: 'Probes running now.',
      registers,
      collect() {
        this.set(load().runningCount);
      },
    });
    new Gauge({
      name: 'relayprobe_probe_queue_length',
      help: 'Probes waiting to run.',
      registers,
      collect() {
        this.set(load().queuedCount);
      },
    });
    this.registry = Registry.merge([own, processRegistry()]);
  }

  /** Read the running and queued gauges from `source` at each scrape. */
  readLoadFrom(source: ProbeLoad): void {
    this.load = source;
  }

  /** Expose a metric made elsewhere (watches/watch-metrics.ts) in this app's registry. */
  register(metric: Metric): void {
    this.registry.registerMetric(metric);
  }

  probeStarted(): void {
    this.started.inc();
  }

  /** `outcome` is the verdict code, or "interrupted". */
  probeFinished(outcome: string, seconds: number): void {
    this.finished.inc({ verdict: outcome });
    this.duration.observe(seconds);
  }

  /** The exposition format's media type (text, version 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text; gauges are read at the time of the scrape. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
