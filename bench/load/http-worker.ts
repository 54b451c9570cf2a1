/**
 * HTTP load from its own process (autocannon): a fixed number of connections, each sending the
 * next request as soon as the last one is answered. Every answer is checked: a non-2xx status, a
 * connection error or a GraphQL `errors` entry counts as an error, and any error invalidates the
 * run. Answers with the throughput, the latency percentiles and this process's own CPU time.
 */
import autocannon from 'autocannon';
import { serveWorker } from '../lib/processes.js';

export interface HttpLoad {
  url: string;
  path: string;
  connections: number;
  seconds: number;
  /** The request bodies to rotate through, each with the token it is sent with. */
  requests: { body: string; token: string }[];
  /** Rewrites `{{n}}` in a body with a counter, so that writes differ. */
  numbered?: boolean;
}

export interface LatencyPercentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** [percentile, milliseconds] pairs, for drawing the distribution. */
  curve: [number, number][];
}

export interface HttpResult {
  requestsPerSecond: number;
  requests: number;
  errors: number;
  firstError: string | null;
  latency: LatencyPercentiles;
  loadCpuSeconds: number;
}

const CURVE_KEYS = ['p1', 'p10', 'p25', 'p50', 'p75', 'p90', 'p97_5', 'p99', 'p99_9', 'p99_99'] as const;

export function runHttpLoad(load: HttpLoad): Promise<HttpResult> {
  let next = 0;
  let graphqlErrors = 0;
  let firstError: string | null = null;
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${load.url}${load.path}`,
        connections: load.connections,
        duration: load.seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => {
              const { body, token } = load.requests[next++ % load.requests.length];
              return {
                ...request,
                body: load.numbered ? body.replace('{{n}}', String(next)) : body,
                headers: { ...request.headers, authorization: `Bearer ${token}` },
              };
            },
            onResponse: (status, body) => {
              if (status < 300 && !body.includes('"errors"')) return;
              graphqlErrors++;
              firstError ??= `${status} ${body.slice(0, 300)}`;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const cpu = process.cpuUsage(cpuBefore);
        const latency = result.latency as unknown as Record<string, number>;
        resolve({
          requestsPerSecond: result.requests.total / result.duration,
          requests: result.requests.total,
          errors: result.errors + Math.max(result.non2xx, graphqlErrors),
          firstError,
          latency: {
            p50: latency.p50,
            p90: latency.p90,
            p99: latency.p99,
            max: latency.max,
            curve: CURVE_KEYS.map((key) => [Number(key.slice(1).replace('_', '.')), latency[key]]),
          },
          loadCpuSeconds: (cpu.user + cpu.system) / 1e6,
        });
      },
    );
  });
}

serveWorker((load: HttpLoad) => runHttpLoad(load));
