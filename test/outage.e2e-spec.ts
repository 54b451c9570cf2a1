import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { newCohort, newMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { testServerUrl } from './setup/test-database.js';

const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';

const withServer = testServerUrl() ? describe : describe.skip;

/**
 * A PostgreSQL cluster of the test run's own (`.ci/run` makes it) that this file may stop and
 * start with the server's real commands: `TEST_OUTAGE_CLUSTER` is "<version> <name>" for
 * pg_ctlcluster, `TEST_OUTAGE_DATABASE_URL` its address.
 */
const outageCluster = process.env.TEST_OUTAGE_CLUSTER?.split(' ');
const outageServer = process.env.TEST_OUTAGE_DATABASE_URL;
const withCluster = outageCluster?.length === 2 && outageServer ? describe : describe.skip;

function pgCtlCluster(action: 'start' | 'stop'): Promise<unknown> {
  const [version, name] = outageCluster ?? [];
  return promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action]);
}

interface Attempt {
  ok: boolean;
  ms: number;
  status: number;
}

/**
 * Writers that reply to one thread as fast as the server answers, each waiting for its answer
 * before the next: the load under which the database goes away. Every reply the server
 * acknowledged (an id in the answer) is kept, to be found in the database afterwards.
 */
class ReplyLoad {
  readonly acknowledged: string[] = [];
  readonly attempts: Attempt[] = [];
  private running = true;
  private readonly writers: Promise<void>[] = [];
  private count = 0;

  constructor(
    private readonly t: TestApp,
    private readonly threadId: string,
    private readonly token: string,
  ) {}

  async reply(): Promise<Attempt> {
    const started = Date.now();
    const res = await this.t.gql<{ reply: { id: string } }>(
      REPLY,
      { input: { threadId: this.threadId, body: `write ${this.count++}` } },
      this.token,
    );
    if (res.data?.reply?.id) this.acknowledged.push(res.data.reply.id);
    const attempt = { ok: !res.errors, ms: Date.now() - started, status: res.status };
    this.attempts.push(attempt);
    return attempt;
  }

  start(writers: number): void {
    for (let i = 0; i < writers; i++) {
      this.writers.push(
        (async () => {
          while (this.running) {
            const { ok } = await this.reply();
            if (!ok) await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })(),
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.writers);
  }

  /** Attempts made from `since` (an index into `attempts`) on. */
  from(since: number): Attempt[] {
    return this.attempts.slice(since);
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** A member, a space and a thread on `t`, and the load that replies to it. */
async function threadUnderLoad(t: TestApp): Promise<ReplyLoad> {
  const cohortId = (await newCohort(t)).id;
  const member = await newMember(t, cohortId);
  const space = await t.dataSource
    .getRepository(SpaceEntity)
    .save({ cohortId, title: 'Outage', purpose: 'p', createdById: member.id });
  const { startThread } = await t.ok<{ startThread: { id: string } }>(
    START,
    { input: { spaceId: space.id, title: 'During the outage', body: 'b', kind: 'QUESTION' } },
    member.token,
  );
  return new ReplyLoad(t, startThread.id, member.token);
}

async function storedCount(t: TestApp, ids: string[]): Promise<number> {
  const rows = await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM posts WHERE id = ANY($1)', [
    ids,
  ]);
  return rows[0].n;
}

/**
 * A TCP link between the server and PostgreSQL that the test can cut and restore: to the
 * server, exactly a database that goes away (connections reset, new ones refused) and comes
 * back on the same address.
 */
class Link {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
    this.server = null;
  }
}

withCluster('PostgreSQL stopped and started under load', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { server: outageServer });
  });
  afterAll(async () => {
    await pgCtlCluster('start').catch(() => undefined);
    await t.close();
  });

  it('answers errors while the cluster is stopped, reports not ready, recovers without a restart and loses no acknowledged write', async () => {
    const load = await threadUnderLoad(t);
    load.start(8);
    expect(await until(() => load.acknowledged.length >= 50, 20_000)).toBe(true);

    await pgCtlCluster('stop');
    const stoppedAt = load.attempts.length;
    expect(await until(async () => (await t.http().get('/health/ready')).status === 503, 10_000)).toBe(true);
    expect((await t.http().get('/health')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const acknowledgedWhileDown = load.acknowledged.length;
    const down = load.from(stoppedAt);
    // Writes fail while the database is away, with an error and quickly: never a hang, never a 5xx.
    expect(down.filter((a) => !a.ok).length).toBeGreaterThan(8);
    expect(down.every((a) => a.status < 500 && a.ms < 10_000)).toBe(true);

    await pgCtlCluster('start');
    const restartedAt = load.attempts.length;
    expect(await until(() => load.from(restartedAt).some((a) => a.ok), 30_000)).toBe(true);
    expect(await until(async () => (await t.http().get('/health/ready')).status === 200, 10_000)).toBe(true);
    await load.stop();

    expect(load.attempts.every((a) => a.status < 500)).toBe(true);
    expect(load.acknowledged.length).toBeGreaterThan(acknowledgedWhileDown);
    expect(await storedCount(t, load.acknowledged)).toBe(load.acknowledged.length);
  }, 120_000);
});

withServer('a database link cut', () => {
  let direct: TestApp;
  let t: TestApp;
  let link: Link;

  beforeAll(async () => {
    direct = await startTestApp();
    const url = new URL(direct.database.url);
    link = new Link(url.hostname, Number(url.port || 5432));
    await link.up();
    const proxied = new URL(direct.database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(link.port);
    t = await startTestApp({}, { sharing: direct, databaseUrl: proxied.toString() });
  });
  afterAll(async () => {
    await t.close();
    await link.down().catch(() => undefined);
    await direct.close();
  });

  it('answers errors while the link is down, reports not ready, recovers without a restart and loses no acknowledged write', async () => {
    const load = await threadUnderLoad(t);
    for (let i = 0; i < 5; i++) expect((await load.reply()).ok).toBe(true);

    await link.down();
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await load.reply());
    expect(during.every((r) => !r.ok && r.ms < 10_000 && r.status < 500)).toBe(true);
    expect((await t.http().get('/health/ready')).status).toBe(503);
    expect((await t.http().get('/health')).status).toBe(200);

    await link.up();
    expect(await until(async () => (await load.reply()).ok, 30_000)).toBe(true);
    expect((await t.http().get('/health/ready')).status).toBe(200);
    expect(load.acknowledged.length).toBeGreaterThanOrEqual(6);
    expect(await storedCount(direct, load.acknowledged)).toBe(load.acknowledged.length);
  }, 120_000);
});
