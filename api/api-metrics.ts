/**
 * The API's own metrics, in Prometheus text format at `GET /metrics` (ops token: a scraper sends it
 * as `authorization: Bearer …`, Prometheus's `bearer_token`): requests by method, route and status,
 * and their latency as a histogram. Labelled by the route's pattern (`/v1/callbacks/:policyNo`), never
 * the URL itself, so no policy number or office lands in a label. The worker's metrics are its own
 * endpoint (workers/telemetry.ts); these say how the API answers its callers.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiRoutes } from './route';

/** Latency buckets, seconds: from a cached read to a slow Update. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Series {
  labels: string;
  count: number;
  sum: number;
  buckets: number[];
}

export class ApiMetrics {
  private readonly requests = new Map<string, { labels: string; count: number }>();
  private readonly latency = new Map<string, Series>();
  private readonly startedAt = Date.now();

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = `method="${method}",route="${escape(route)}",status="${status}"`;
    const counted = this.requests.get(labels) ?? { labels, count: 0 };
    counted.count++;
    this.requests.set(labels, counted);
    const latencyLabels = `method="${method}",route="${escape(route)}"`;
    const series = this.latency.get(latencyLabels) ?? { labels: latencyLabels, count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
    series.count++;
    series.sum += seconds;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) series.buckets[i]++;
    });
    this.latency.set(latencyLabels, series);
  }

  /** The Prometheus exposition text. */
  render(): string {
    const lines = [
      '# HELP huifang_api_requests_total Requests answered by the huifang API, by method, route pattern and status.',
      '# TYPE huifang_api_requests_total counter',
      ...[...this.requests.values()].map((r) => `huifang_api_requests_total{${r.labels}} ${r.count}`),
      '# HELP huifang_api_request_duration_seconds Time from a request arriving to its answer, by method and route pattern.',
      '# TYPE huifang_api_request_duration_seconds histogram',
    ];
    for (const s of this.latency.values()) {
      BUCKETS.forEach((le, i) => lines.push(`huifang_api_request_duration_seconds_bucket{${s.labels},le="${le}"} ${s.buckets[i]}`));
      lines.push(`huifang_api_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
      lines.push(`huifang_api_request_duration_seconds_sum{${s.labels}} ${s.sum.toFixed(6)}`);
      lines.push(`huifang_api_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    lines.push('# HELP huifang_api_uptime_seconds Seconds since this API process started.', '# TYPE huifang_api_uptime_seconds gauge', `huifang_api_uptime_seconds ${Math.round((Date.now() - this.startedAt) / 1000)}`);
    return `${lines.join('\n')}\n`;
  }
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Counts every answer (errors and unknown routes too) and serves `GET /metrics` to ops. */
export function registerApiMetrics(app: FastifyInstance, routes: ApiRoutes, metrics = new ApiMetrics()): ApiMetrics {
  app.addHook('onResponse', async (req, reply) => {
    // An unknown path is one series, not one per URL tried.
    const route = req.is404 ? '(unmatched)' : (req.routeOptions.url ?? '(unmatched)');
    metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  routes.add({
    method: 'GET',
    url: '/metrics',
    tag: 'operations',
    summary: "The API's own metrics in Prometheus text format: requests by method, route pattern and status, and their latency (scrape with an ops token)",
    roles: ['ops'],
    response: { description: 'Prometheus exposition text', contentType: 'text/plain' },
    async handler({ reply }) {
      return reply.type('text/plain; version=0.0.4').send(metrics.render());
    },
  });
  return metrics;
}
