/**
 * `npm run bench [-- --quick] [-- --out <dir>]`: Convene against the bare limit of its own stack,
 * side by side in one run, on the PostgreSQL server of DATABASE_URL. Every figure that a goal
 * judges is a ratio against a baseline measured in the same run, arms alternated round by round,
 * because absolute figures on a shared machine swing by a third from run to run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchMember, type Dataset, growDataset, seedDataset } from './lib/dataset.js';
import { type Goal, type Plots, writeReport } from './lib/report.js';
import {
  cpuSeconds,
  runWorker,
  rssMb,
  type ServiceProcess,
  startProductService,
  startService,
  Worker,
} from './lib/processes.js';
import { curve, maximum, percentile, round, spread } from './lib/stats.js';
import type { HttpLoad, HttpResult } from './load/http-worker.js';
import type { MembersLoad, MembersResult } from './load/members-worker.js';
import type { CollectResult, ConnectResult, SocketMessage } from './load/socket-worker.js';
import type { StatementsInput, StatementsResult } from './load/statements-worker.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const worker = (name: string) => join(here, 'load', `${name}.js`);

const mode = process.argv.includes('--smoke') ? 'smoke' : process.argv.includes('--quick') ? 'quick' : 'full';
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'bench', 'results');

/**
 * The scale of each scenario. Quick mode keeps every scenario at full width (1,000 members and
 * sockets) but shortens the runs and shrinks the tables tenfold, to fit in two minutes; smoke mode
 * only proves that every scenario runs and the report is well formed (the test suite uses it).
 */
const SCALES = {
  full: {
    members: 1000,
    threads: 1000,
    postsPerThread: 100,
    growthPostsPerThread: 1000,
    rounds: 5,
    seconds: 10,
    warmup: 3,
    fanoutSockets: 1000,
    fanoutSeconds: 30,
    idleSockets: 1000,
    rampSteps: [500, 1000, 2000, 4000],
    rampSeconds: 15,
    growthRounds: 3,
    settleMs: 2000,
  },
  quick: {
    members: 1000,
    threads: 100,
    postsPerThread: 100,
    growthPostsPerThread: 1000,
    rounds: 2,
    seconds: 2,
    warmup: 1,
    fanoutSockets: 1000,
    fanoutSeconds: 2,
    idleSockets: 1000,
    rampSteps: [1000],
    rampSeconds: 6,
    growthRounds: 1,
    settleMs: 1000,
  },
  smoke: {
    members: 60,
    threads: 10,
    postsPerThread: 10,
    growthPostsPerThread: 20,
    rounds: 1,
    seconds: 2,
    warmup: 1,
    fanoutSockets: 40,
    fanoutSeconds: 1,
    idleSockets: 40,
    rampSteps: [20],
    rampSeconds: 6,
    growthRounds: 1,
    settleMs: 500,
  },
};
const SCALE = SCALES[mode];
const CONNECTIONS = 50;
const SOCKET_WORKERS = 2;

const contract = readFileSync(join(root, '..', 'shared', 'contract', 'operations.graphql'), 'utf8');
const THREAD = /query Thread\(\$id: ID!\) \{[\s\S]*?\n\}\n/.exec(contract)?.[0];
const REPLY = /mutation Reply\(\$input: ReplyInput!\) \{[\s\S]*?\n\}\n/.exec(contract)?.[0];

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const startProduct = (dataset: Dataset) => startProductService(dataset.url);
const startBare = (dataset: Dataset) =>
  startService(join(here, 'baseline', 'server.js'), { DATABASE_URL: dataset.url }, '/health');

const readers = (dataset: Dataset) => dataset.members.filter((m) => m.role === 'MEMBER');

function threadRequests(dataset: Dataset, product: boolean, threadId = dataset.threadIds[0]) {
  return readers(dataset)
    .slice(0, 200)
    .map((member) => ({
      token: member.token,
      body: product ? JSON.stringify({ query: THREAD, variables: { id: threadId } }) : JSON.stringify({ id: threadId }),
    }));
}

function replyRequests(dataset: Dataset, product: boolean) {
  return readers(dataset)
    .slice(0, 200)
    .map((member, i) => {
      const threadId = dataset.threadIds[(i * 37) % dataset.threadIds.length];
      const body = `A reply from the benchmark, number {{n}}.`;
      return {
        token: member.token,
        body: product
          ? JSON.stringify({ query: REPLY, variables: { input: { threadId, body } } })
          : JSON.stringify({ threadId, body }),
      };
    });
}

interface Measured {
  result: HttpResult;
  serverCpuSeconds: number;
}

/** Per measured run: the server's CPU and the load generator's, to show the load was not the bottleneck. */
const cpuChecks: { run: string; serverCpuSeconds: number; loadCpuSeconds: number }[] = [];

async function measure(server: ServiceProcess, load: Omit<HttpLoad, 'url'>): Promise<Measured> {
  const cpuBefore = cpuSeconds(server.child.pid!);
  const result = await runWorker<HttpResult>(worker('http-worker'), { ...load, url: server.url });
  const serverCpuSeconds = cpuSeconds(server.child.pid!) - cpuBefore;
  cpuChecks.push({ run: `${server.url}${load.path}`, serverCpuSeconds, loadCpuSeconds: result.loadCpuSeconds });
  if (result.requests === 0) throw new Error(`Run invalid: no request to ${server.url}${load.path} was answered`);
  if (result.errors > 0) {
    throw new Error(`Run invalid: ${result.errors} errors against ${server.url}${load.path}: ${result.firstError}`);
  }
  return { result, serverCpuSeconds };
}

interface Arm {
  name: string;
  server: ServiceProcess;
  load: Omit<HttpLoad, 'url' | 'seconds'>;
}

/** Warm-up, then rounds of the two arms alternated (the first arm first in odd rounds, second in even). */
async function alternate(a: Arm, b: Arm, rounds = SCALE.rounds): Promise<{ a: Measured[]; b: Measured[] }> {
  for (const arm of [a, b]) await measure(arm.server, { ...arm.load, seconds: SCALE.warmup });
  const runs = { a: [] as Measured[], b: [] as Measured[] };
  for (let r = 0; r < rounds; r++) {
    const order: ['a' | 'b', Arm][] =
      r % 2 === 0
        ? [
            ['a', a],
            ['b', b],
          ]
        : [
            ['b', b],
            ['a', a],
          ];
    for (const [key, arm] of order) {
      const run = await measure(arm.server, { ...arm.load, seconds: SCALE.seconds });
      runs[key].push(run);
      log(
        `  ${arm.name} round ${r + 1}: ${round(run.result.requestsPerSecond, 0)} req/s, p99 ${run.result.latency.p99} ms`,
      );
    }
  }
  return runs;
}

const ratios = (numerators: number[], denominators: number[]) => numerators.map((n, i) => n / denominators[i]);
const rps = (runs: Measured[]) => runs.map((run) => run.result.requestsPerSecond);
const p99s = (runs: Measured[]) => runs.map((run) => run.result.latency.p99);

/** The latency curve of the median-throughput round, for the plots. */
function medianCurve(runs: Measured[]): [number, number][] {
  const sorted = [...runs].sort((x, y) => x.result.requestsPerSecond - y.result.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)].result.latency.curve;
}

/**
 * A fan-out goal: every post reached every subscriber once, and the p99 from send to receipt is
 * within `limitMs` (and, against the bare baseline, within `ratio.limit` times its p99).
 */
function fanoutGoal(id: string, run: FanoutRun, limitMs: number, ratio?: { ratio: number; limit: number }): Goal {
  const p99 = percentile(run.delays, 99);
  const complete = run.delivered === run.expected && run.duplicates === 0;
  return {
    id,
    target:
      `100% delivered once, p99 <= ${limitMs} ms` +
      (ratio ? ` and <= ${ratio.limit} x the bare emit p99 (this run: ${round(ratio.ratio)} x)` : ''),
    median: round(p99),
    min: round(percentile(run.delays, 50)),
    max: round(maximum(run.delays)),
    unit: `ms: p99 (min: p50, max: slowest); ${round((100 * run.delivered) / run.expected)}% delivered`,
    met: complete && p99 <= limitMs && (!ratio || ratio.ratio <= ratio.limit),
  };
}

interface FanoutRun {
  posts: number;
  subscribed: number;
  expected: number;
  delivered: number;
  duplicates: number;
  delays: number[];
  serverCpuSeconds: number;
  loadCpuSeconds: number;
}

/** Sockets of mixed roles in one thread, and posts to it at a steady rate; every receipt timed. */
async function fanout(
  server: ServiceProcess,
  members: BenchMember[],
  threadId: string,
  rates: number[],
  seconds: number,
  post: (token: string, body: string) => Promise<boolean>,
): Promise<FanoutRun[]> {
  const workers = Array.from({ length: SOCKET_WORKERS }, () => Worker.start(worker('socket-worker')));
  let subscribed = 0;
  try {
    const share = Math.ceil(members.length / workers.length);
    const connected = await Promise.all(
      workers.map((w, i) =>
        w.ask<ConnectResult>({
          type: 'connect',
          url: server.url,
          tokens: members.slice(i * share, (i + 1) * share).map((m) => m.token),
          topic: `thread:${threadId}`,
        } satisfies SocketMessage),
      ),
    );
    subscribed = connected.reduce((sum, c) => sum + c.subscribed, 0);
    const refusal = connected.find((c) => c.refused > 0);
    if (refusal) throw new Error(`Run invalid: ${refusal.refused} sockets refused: ${refusal.firstRefusal}`);
    // One connection of the audience serves every rate, one after the other.
    const runs: FanoutRun[] = [];
    for (const postsPerSecond of rates) runs.push(await postAndCollect(postsPerSecond));
    return runs;
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'close' }).catch(() => undefined)));
    for (const w of workers) w.stop();
  }

  /** Posts at `postsPerSecond` for `seconds` to the subscribed sockets, and collects what they received. */
  async function postAndCollect(postsPerSecond: number): Promise<FanoutRun> {
    await Promise.all(workers.map((w) => w.ask<CollectResult>({ type: 'collect' })));
    const posters = members.filter((m) => m.role !== 'SCHOLAR');
    const cpuBefore = cpuSeconds(server.child.pid!);
    let posts = 0;
    let failed = 0;
    const pending: Promise<void>[] = [];
    const started = Date.now();
    const total = Math.round(postsPerSecond * seconds);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / postsPerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      pending.push(
        post(posters[i % posters.length].token, `Live reply sent:${Date.now()} from the benchmark.`).then((ok) => {
          if (ok) posts++;
          else failed++;
        }),
      );
    }
    await Promise.all(pending);
    await new Promise((resolve) => setTimeout(resolve, SCALE.settleMs));
    const serverCpuSeconds = cpuSeconds(server.child.pid!) - cpuBefore;
    const collected = await Promise.all(workers.map((w) => w.ask<CollectResult>({ type: 'collect' })));
    if (failed > 0) throw new Error(`Run invalid: ${failed} posts failed during the fan-out`);
    const delays = collected.flatMap((c) => c.delays);
    const distinct = collected.reduce((sum, c) => sum + c.distinct, 0);
    return {
      posts,
      subscribed,
      expected: posts * subscribed,
      delivered: distinct,
      duplicates: delays.length - distinct,
      delays,
      serverCpuSeconds,
      loadCpuSeconds: collected.reduce((sum, c) => sum + c.loadCpuSeconds, 0),
    };
  }
}

function productPoster(server: ServiceProcess, threadId: string) {
  return async (token: string, body: string) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: REPLY, variables: { input: { threadId, body } } }),
    });
    return res.ok && !(await res.text()).includes('"errors"');
  };
}

function barePoster(server: ServiceProcess, threadId: string) {
  return async (token: string, body: string) => {
    const res = await fetch(`${server.url}/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ threadId, body }),
    });
    return res.ok && !(await res.text()).includes('"errors"');
  };
}

/** pgbench with the bare reply's insert transaction, where pgbench is installed. */
function pgbench(dataset: Dataset, member: BenchMember, seconds: number): number | null {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const script = join(tmpdir(), `convene-pgbench-${process.pid}.sql`);
  writeFileSync(
    script,
    [
      'BEGIN;',
      `INSERT INTO posts (cohort_id, thread_id, author_membership_id, author_user_id, body) VALUES ('${dataset.cohortId}', '${dataset.threadIds[1]}', '${member.membershipId}', '${member.userId}', 'A reply from pgbench');`,
      `INSERT INTO realtime_topics (topic, last_seq) VALUES ('thread:${dataset.threadIds[1]}', 1) ON CONFLICT (topic) DO UPDATE SET last_seq = realtime_topics.last_seq + 1;`,
      `INSERT INTO realtime_events (topic, seq, cohort_id, type, ref) SELECT topic, last_seq, '${dataset.cohortId}', 'post.created', '{}' FROM realtime_topics WHERE topic = 'thread:${dataset.threadIds[1]}';`,
      'END;',
    ].join('\n'),
  );
  const output = execFileSync(
    'pgbench',
    ['-n', '-c', '20', '-j', '2', '-T', String(seconds), '-f', script, dataset.url],
    { encoding: 'utf8' },
  );
  const match = /tps = ([\d.]+)/.exec(output);
  return match ? Number(match[1]) : null;
}

async function main(): Promise<void> {
  if (!THREAD || !REPLY) throw new Error('The Thread and Reply documents were not found in the contract');
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server the benchmark may create databases on');
  mkdirSync(outDir, { recursive: true });
  const startedAt = new Date();
  const goals: Goal[] = [];
  const details: Record<string, unknown> = {};
  const plots: Plots = { latency: {}, ramp: [] };
  const services: ServiceProcess[] = [];
  const datasets: Dataset[] = [];
  try {
    log(`seeding ${SCALE.members} members, ${SCALE.threads} threads, ${SCALE.threads * SCALE.postsPerThread} posts`);
    const main = await seedDataset(serverUrl, SCALE);
    datasets.push(main);
    log(`  seeded in ${round(main.seedSeconds, 1)} s`);
    // The growth copy is made now, while nothing is connected to the first database.
    log(`growth copy: ${SCALE.threads * SCALE.growthPostsPerThread} posts`);
    const big = await growDataset(serverUrl, main, SCALE.growthPostsPerThread);
    datasets.push(big);
    log(`  grown in ${round(big.seedSeconds, 1)} s`);
    const product = await startProduct(main);
    services.push(product);
    const bare = await startBare(main);
    services.push(bare);

    // R2: statements per thread page, whatever its size.
    const statements = await runWorker<StatementsResult>(worker('statements-worker'), {
      databaseUrl: main.url,
      token: readers(main)[0].token,
      threadId: main.threadIds[0],
      document: THREAD,
      pageSizes: [10, 50, 100],
    } satisfies StatementsInput);
    const worst = Math.max(...statements.pages.map((p) => p.warm));
    goals.push({
      id: 'R2',
      target: '<= 3 statements per thread page, page sizes 10, 50 and 100',
      median: worst,
      min: Math.min(...statements.pages.map((p) => p.warm)),
      max: worst,
      unit: 'statements',
      met: worst <= 3,
    });
    details.R2 = statements.pages;
    log(`R2: ${statements.pages.map((p) => `${p.first} posts: ${p.warm} statements`).join(', ')}`);

    // R1: the Thread page, 50 connections, product against bare.
    log('R1: thread page, bare against product');
    const r1 = await alternate(
      {
        name: 'bare',
        server: bare,
        load: { path: '/thread', connections: CONNECTIONS, requests: threadRequests(main, false) },
      },
      {
        name: 'product',
        server: product,
        load: { path: '/graphql', connections: CONNECTIONS, requests: threadRequests(main, true) },
      },
    );
    const r1Rps = spread(ratios(rps(r1.b), rps(r1.a)));
    const r1P99 = spread(ratios(p99s(r1.b), p99s(r1.a)));
    goals.push({
      id: 'R1',
      target: 'req/s >= 0.50 x bare, and p99 <= 3 x bare (details.R1.p99Ratio)',
      ...r1Rps,
      unit: 'x bare req/s',
      met: r1Rps.median >= 0.5 && r1P99.median <= 3,
    });
    details.R1 = {
      p99Ratio: r1P99,
      bareRps: spread(rps(r1.a)),
      productRps: spread(rps(r1.b)),
      bareP99: spread(p99s(r1.a)),
      productP99: spread(p99s(r1.b)),
    };
    plots.latency.r1 = {
      title: `R1: Thread page, ${CONNECTIONS} connections (median round)`,
      series: [
        { label: 'bare http + pg', points: medianCurve(r1.a) },
        { label: 'Convene', points: medianCurve(r1.b) },
      ],
    };

    // W1: a reply, 50 connections, product against bare.
    log('W1: reply, bare against product');
    const w1 = await alternate(
      {
        name: 'bare',
        server: bare,
        load: { path: '/reply', connections: CONNECTIONS, requests: replyRequests(main, false), numbered: true },
      },
      {
        name: 'product',
        server: product,
        load: { path: '/graphql', connections: CONNECTIONS, requests: replyRequests(main, true), numbered: true },
      },
    );
    const w1Rps = spread(ratios(rps(w1.b), rps(w1.a)));
    const w1P99 = spread(p99s(w1.b));
    goals.push({
      id: 'W1',
      target: 'req/s >= 0.50 x bare insert, and p99 <= 100 ms (details.W1.productP99)',
      ...w1Rps,
      unit: 'x bare req/s',
      met: w1Rps.median >= 0.5 && w1P99.median <= 100,
    });
    const pgbenchTps = pgbench(main, readers(main)[0], SCALE.seconds);
    details.W1 = {
      bareRps: spread(rps(w1.a)),
      productRps: spread(rps(w1.b)),
      bareP99: spread(p99s(w1.a)),
      productP99: w1P99,
      pgbenchTps,
    };
    plots.latency.w1 = {
      title: `W1: Reply, ${CONNECTIONS} connections (median round)`,
      series: [
        { label: 'bare http + pg + socket.io', points: medianCurve(w1.a) },
        { label: 'Convene', points: medianCurve(w1.b) },
      ],
      goalMs: 100,
    };

    // F1 and F2: a thousand subscribers of mixed roles in one thread.
    const audience = main.members.slice(0, SCALE.fanoutSockets);
    const hot = main.threadIds[2];
    const fanouts: Record<string, FanoutRun> = {};
    log(`fan-out: bare socket.io at 10 posts/s, ${audience.length} sockets`);
    [fanouts.bare10] = await fanout(bare, audience, hot, [10], SCALE.fanoutSeconds, barePoster(bare, hot));
    log(`fan-out: Convene at 10 and 20 posts/s, ${audience.length} sockets`);
    [fanouts.product10, fanouts.product20] = await fanout(
      product,
      audience,
      hot,
      [10, 20],
      SCALE.fanoutSeconds,
      productPoster(product, hot),
    );
    for (const [key, f] of Object.entries(fanouts)) {
      log(
        `  ${key}: ${f.delivered}/${f.expected} delivered, p99 ${round(percentile(f.delays, 99))} ms; CPU server ${round(f.serverCpuSeconds)} s, clients ${round(f.loadCpuSeconds)} s`,
      );
    }
    const f1 = fanouts.product10;
    const f2 = fanouts.product20;
    const f1Ratio = percentile(f1.delays, 99) / percentile(fanouts.bare10.delays, 99);
    goals.push(fanoutGoal('F1', f1, 100, { ratio: f1Ratio, limit: 1.25 }), fanoutGoal('F2', f2, 250));
    for (const [key, f] of Object.entries(fanouts)) {
      cpuChecks.push({ run: `fan-out ${key}`, serverCpuSeconds: f.serverCpuSeconds, loadCpuSeconds: f.loadCpuSeconds });
    }
    details.fanout = Object.fromEntries(
      Object.entries(fanouts).map(([key, f]) => [
        key,
        {
          posts: f.posts,
          subscribed: f.subscribed,
          expected: f.expected,
          delivered: f.delivered,
          duplicates: f.duplicates,
          p50: round(percentile(f.delays, 50)),
          p99: round(percentile(f.delays, 99)),
          max: round(maximum(f.delays)),
          serverCpuSeconds: round(f.serverCpuSeconds),
          loadCpuSeconds: round(f.loadCpuSeconds),
        },
      ]),
    );
    plots.latency.fanout = {
      title: `F1/F2: post to receipt, ${audience.length} subscribers of one thread`,
      series: [
        { label: 'bare socket.io, 10 posts/s', points: curve(fanouts.bare10.delays) },
        { label: 'Convene, 10 posts/s', points: curve(f1.delays) },
        { label: 'Convene, 20 posts/s', points: curve(f2.delays) },
      ],
      goalMs: 100,
    };

    // M1: a fresh server, then a thousand idle authenticated sockets.
    log('M1: memory with idle sockets');
    const fresh = await startProduct(main);
    services.push(fresh);
    await new Promise((resolve) => setTimeout(resolve, SCALE.settleMs));
    const rssIdle = rssMb(fresh.child.pid!);
    const idle = Worker.start(worker('socket-worker'));
    try {
      const idleConnect = await idle.ask<ConnectResult>({
        type: 'connect',
        url: fresh.url,
        tokens: main.members.slice(0, SCALE.idleSockets).map((m) => m.token),
        topic: null,
      });
      await new Promise((resolve) => setTimeout(resolve, SCALE.settleMs * 2));
      const rssSockets = rssMb(fresh.child.pid!);
      goals.push({
        id: 'M1',
        target: `RSS <= 300 MB with ${SCALE.idleSockets} idle authenticated sockets`,
        median: round(rssSockets, 0),
        min: round(rssSockets, 0),
        max: round(rssSockets, 0),
        unit: 'MB',
        met: idleConnect.connected === SCALE.idleSockets && rssSockets <= 300,
      });
      details.M1 = {
        rssWithoutSockets: round(rssIdle, 0),
        rssWithSockets: round(rssSockets, 0),
        connected: idleConnect.connected,
      };
      log(`  RSS ${round(rssIdle, 0)} MB idle, ${round(rssSockets, 0)} MB with ${idleConnect.connected} sockets`);
    } finally {
      await idle.ask({ type: 'close' }).catch(() => undefined);
      idle.stop();
      await fresh.stop();
    }

    // S1: the same thread page with ten times the posts in the database.
    log(`S1: thread page with ${main.posts} and with ${big.posts} posts`);
    const bigProduct = await startProduct(big);
    services.push(bigProduct);
    const s1 = await alternate(
      {
        name: `${main.posts} posts`,
        server: product,
        load: { path: '/graphql', connections: CONNECTIONS, requests: threadRequests(main, true, main.threadIds[3]) },
      },
      {
        name: `${big.posts} posts`,
        server: bigProduct,
        load: { path: '/graphql', connections: CONNECTIONS, requests: threadRequests(big, true, big.threadIds[3]) },
      },
      SCALE.growthRounds,
    );
    const s1Ratio = spread(ratios(p99s(s1.b), p99s(s1.a)));
    goals.push({
      id: 'S1',
      target: `thread page p99 with ${big.posts} posts <= 1.5 x with ${main.posts}`,
      ...s1Ratio,
      unit: 'x p99',
      met: s1Ratio.median <= 1.5,
    });
    details.S1 = { posts: [main.posts, big.posts], p99: [spread(p99s(s1.a)), spread(p99s(s1.b))] };
    plots.latency.s1 = {
      title: 'S1: Thread page as the database grows (median round)',
      series: [
        { label: `${main.posts} posts`, points: medianCurve(s1.a) },
        { label: `${big.posts} posts`, points: medianCurve(s1.b) },
      ],
    };
    await bigProduct.stop();

    // C1: members reading every 10 s and posting every 5 min, ramped.
    log('C1: ramp of concurrent members');
    const steps: { members: number; p99: number; errorRate: number; sockets: number; passed: boolean }[] = [];
    const people = main.members.filter((m) => m.role !== 'SCHOLAR');
    for (const count of SCALE.rampSteps) {
      const result = await runWorker<MembersResult>(worker('members-worker'), {
        url: product.url,
        members: Array.from({ length: count }, (_, i) => ({
          token: people[i % people.length].token,
          threadId: main.threadIds[(i * 13) % Math.min(100, main.threadIds.length)],
        })),
        seconds: SCALE.rampSeconds,
        readEverySeconds: 10,
        postEverySeconds: 300,
        threadDocument: THREAD,
        replyDocument: REPLY,
      } satisfies MembersLoad);
      const p99 = percentile(result.delays, 99);
      const errorRate = result.errors / Math.max(1, result.requests);
      const passed = p99 <= 500 && errorRate <= 0.00025 && result.socketsSubscribed === count;
      steps.push({ members: count, p99: round(p99), errorRate, sockets: result.socketsSubscribed, passed });
      log(
        `  ${count} members: ${result.requests} requests, p99 ${round(p99)} ms, errors ${result.errors}, sockets ${result.socketsSubscribed}`,
      );
      if (!passed) break;
    }
    const held = Math.max(0, ...steps.filter((s) => s.passed).map((s) => s.members));
    goals.push({
      id: 'C1',
      target: '>= 1,000 concurrent members with p99 <= 500 ms and errors <= 0.025%',
      median: held,
      min: held,
      max: held,
      unit: steps.every((s) => s.passed) ? 'members (the highest step tried; the limit is higher)' : 'members',
      met: held >= 1000,
    });
    details.C1 = steps;
    plots.ramp = steps;
  } finally {
    for (const service of services) await service.stop().catch(() => undefined);
    if (!process.argv.includes('--keep')) for (const dataset of datasets) await dataset.drop().catch(() => undefined);
  }
  details.loadGenerators = {
    note: 'CPU seconds of the server and of the load generator, per measured run',
    loadBelowServer: cpuChecks.filter((c) => c.loadCpuSeconds < c.serverCpuSeconds).length,
    runs: cpuChecks.length,
    checks: cpuChecks.map((c) => ({
      ...c,
      serverCpuSeconds: round(c.serverCpuSeconds),
      loadCpuSeconds: round(c.loadCpuSeconds),
    })),
  };
  const written = writeReport(outDir, {
    startedAt,
    finishedAt: new Date(),
    mode,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    scale: SCALE,
    goals,
    details,
    plots,
  });
  log(`wrote ${written.json}, ${written.markdown} and ${written.plots.length} plots`);
  const missed = goals.filter((g) => !g.met).map((g) => g.id);
  log(missed.length ? `goals not met: ${missed.join(', ')}` : 'every goal met');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
