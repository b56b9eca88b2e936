/**
 * The bridge's counters and their Prometheus text exposition (format 0.0.4: `# HELP`, `# TYPE`, one sample a
 * line). Only counts: no addresses, no keys, no payload — a metric's labels are routes and fixed reason words.
 * Every name starts with `tonsite_bridge_`.
 */

export type MetricType = 'counter' | 'gauge';

/** One metric family: its samples differ by label values only. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: readonly MetricSample[];
}

export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

/** Why a stream was refused (label values of tonsite_bridge_refusals_total). */
export type RefusalReason =
  'origin' | 'unknown_path' | 'too_many_streams' | 'draining' | 'bad_request' | 'destination';

/** Counters the server and its routes move while streams come and go. */
/** Every refusal reason, so each has a series (at 0) from the start. */
const REFUSAL_REASONS: readonly RefusalReason[] = [
  'origin',
  'unknown_path',
  'too_many_streams',
  'draining',
  'bad_request',
  'destination',
];

export class BridgeMetrics {
  private readonly opened = new Map<string, number>();
  private readonly open = new Map<string, number>();
  private readonly bytesUp = new Map<string, number>();
  private readonly bytesDown = new Map<string, number>();
  private readonly refusals = new Map<RefusalReason, number>();
  private readonly rateLimitCloses = new Map<string, number>();

  constructor() {
    for (const reason of REFUSAL_REASONS) this.refusals.set(reason, 0);
  }

  /** A mounted route: its series exist (at 0) before its first stream, as Prometheus counters should. */
  addRoute(route: string): void {
    for (const map of [this.opened, this.open, this.bytesUp, this.bytesDown, this.rateLimitCloses]) {
      if (!map.has(route)) map.set(route, 0);
    }
  }

  streamOpened(route: string): void {
    bump(this.opened, route);
    bump(this.open, route);
  }

  streamEnded(route: string): void {
    bump(this.open, route, -1);
  }

  bytesFromClient(route: string, bytes: number): void {
    bump(this.bytesUp, route, bytes);
  }

  bytesToClient(route: string, bytes: number): void {
    bump(this.bytesDown, route, bytes);
  }

  refused(reason: RefusalReason): void {
    bump(this.refusals, reason);
  }

  /** A stream closed for going over its byte budget (4429: a TCP stream over budget, a flooding datagram stream). */
  rateLimitClosed(route: string): void {
    bump(this.rateLimitCloses, route);
  }

  /** Streams open now by route. */
  openByRoute(): Record<string, number> {
    return Object.fromEntries(this.open);
  }

  families(): MetricFamily[] {
    return [
      family('streams_open', 'gauge', 'Streams open now, by route.', this.open, 'route'),
      family('streams_total', 'counter', 'Streams accepted since start, by route.', this.opened, 'route'),
      {
        name: 'tonsite_bridge_bytes_total',
        help: 'Bytes relayed since start, by route and direction (up: client to bridge, down: bridge to client).',
        type: 'counter',
        samples: [
          ...[...this.bytesUp].map(([route, value]) => ({ labels: { route, direction: 'up' }, value })),
          ...[...this.bytesDown].map(([route, value]) => ({ labels: { route, direction: 'down' }, value })),
        ],
      },
      family('refusals_total', 'counter', 'Streams refused, by reason.', this.refusals, 'reason'),
      family(
        'rate_limit_closes_total',
        'counter',
        'Streams closed for exceeding their byte budget (4429), by route.',
        this.rateLimitCloses,
        'route',
      ),
    ];
  }
}

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function family(
  short: string,
  type: MetricType,
  help: string,
  values: ReadonlyMap<string, number>,
  label: string,
): MetricFamily {
  return {
    name: `tonsite_bridge_${short}`,
    help,
    type,
    samples: [...values].map(([key, value]) => ({ labels: { [label]: key }, value })),
  };
}

/** Prometheus text format; label values escaped as the format requires (backslash, quote, newline). */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const text = labels.length
        ? `{${labels.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`
        : '';
      lines.push(`${f.name}${text} ${Number.isFinite(s.value) ? s.value : 0}`);
    }
  }
  return lines.join('\n') + '\n';
}
