/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: the worker needs a
 * dozen counters and gauges, one registry and one endpoint. prom-client would bring a global
 * registry, default collectors and a dependency for what is ~100 lines here; the format is small,
 * stable and easy to test line by line.
 */
export type Labels = Readonly<Record<string, string>>;

type MetricType = 'counter' | 'gauge';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((name) => `${name}=${labels[name]}`).join('\u0000');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

type Collector<T> = (metric: T) => void;

abstract class Metric {
  readonly name: string;
  readonly help: string;
  abstract readonly type: MetricType;
  protected readonly values = new Map<string, { labels: Labels; value: number }>();
  private readonly collector: Collector<never> | undefined;

  constructor(name: string, help: string, collector?: Collector<never>) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    this.name = name;
    this.help = help;
    this.collector = collector;
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  /** Runs the collector before a scrape: values read from elsewhere, or computed from the clock. */
  collect(): void {
    (this.collector as Collector<this> | undefined)?.(this);
  }

  /** Sets a series (gauges; counters only from a collector reading a monotonic total). */
  set(value: number, labels: Labels = {}): void {
    this.put(labels, value);
  }

  render(): string {
    this.collect();
    const lines = [`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.values.values()) {
      const names = Object.keys(labels);
      const text = names.length === 0 ? '' : `{${names.map((name) => `${name}="${escapeLabel(labels[name]!)}"`).join(',')}}`;
      lines.push(`${this.name}${text} ${formatValue(value)}`);
    }
    return lines.join('\n');
  }

  protected put(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), { labels: { ...labels }, value });
  }
}

export class Counter extends Metric {
  readonly type = 'counter' as const;

  constructor(name: string, help: string, collector?: Collector<Counter>) {
    super(name, help, collector as Collector<never> | undefined);
  }

  inc(by = 1, labels: Labels = {}): void {
    if (!(by >= 0)) return; // counters never go down
    this.put(labels, this.get(labels) + by);
  }

  /** Makes a labelled series visible at 0 before its first increment. */
  touch(labels: Labels = {}): void {
    if (!this.values.has(labelKey(labels))) this.put(labels, 0);
  }
}

export class Gauge extends Metric {
  readonly type = 'gauge' as const;

  constructor(name: string, help: string, collector?: Collector<Gauge>) {
    super(name, help, collector as Collector<never> | undefined);
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string, collector?: Collector<Counter>): Counter {
    return this.add(new Counter(name, help, collector));
  }

  gauge(name: string, help: string, collector?: Collector<Gauge>): Gauge {
    return this.add(new Gauge(name, help, collector));
  }

  names(): string[] {
    return this.metrics.map((metric) => metric.name);
  }

  render(): string {
    return `${this.metrics.map((metric) => metric.render()).join('\n')}\n`;
  }

  private add<T extends Metric>(metric: T): T {
    if (this.metrics.some((known) => known.name === metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.push(metric);
    return metric;
  }
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
