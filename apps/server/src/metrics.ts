// Prometheus metrics in the text exposition format (version 0.0.4), kept by hand: four series
// do not need a client library.
const BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

export class Metrics {
  private started = 0;
  private readonly finished = new Map<string, number>();
  private readonly buckets = BUCKETS.map(() => 0);
  private durationSum = 0;
  private durationCount = 0;

  probeStarted(): void {
    this.started++;
  }

  /** `outcome` is the verdict code, or "interrupted". */
  probeFinished(outcome: string, seconds: number): void {
    this.finished.set(outcome, (this.finished.get(outcome) ?? 0) + 1);
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    });
    this.durationSum += seconds;
    this.durationCount++;
  }

  /** The exposition text; the gauges are read from the manager at the time of the scrape. */
  render(gauges: { running: number; queued: number }): string {
    const lines = [
      '# HELP relayprobe_probes_started_total Probes accepted for running.',
      '# TYPE relayprobe_probes_started_total counter',
      `relayprobe_probes_started_total ${this.started}`,
      '# HELP relayprobe_probes_finished_total Probes finished, by verdict (or interrupted).',
      '# TYPE relayprobe_probes_finished_total counter',
      ...[...this.finished.entries()].sort().map(([verdict, n]) => `relayprobe_probes_finished_total{verdict="${verdict}"} ${n}`),
      '# HELP relayprobe_probe_duration_seconds Wall time of finished probes.',
      '# TYPE relayprobe_probe_duration_seconds histogram',
      ...BUCKETS.map((le, i) => `relayprobe_probe_duration_seconds_bucket{le="${le}"} ${this.buckets[i]}`),
      `relayprobe_probe_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`,
      `relayprobe_probe_duration_seconds_sum ${this.durationSum.toFixed(3)}`,
      `relayprobe_probe_duration_seconds_count ${this.durationCount}`,
      '# HELP relayprobe_probes_running Probes running now.',
      '# TYPE relayprobe_probes_running gauge',
      `relayprobe_probes_running ${gauges.running}`,
      '# HELP relayprobe_probe_queue_length Probes waiting to run.',
      '# TYPE relayprobe_probe_queue_length gauge',
      `relayprobe_probe_queue_length ${gauges.queued}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
