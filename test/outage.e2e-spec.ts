import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { newCohort, newMember } from './harness/factories.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { testServerUrl } from './setup/test-database.js';

const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';

const withServer = testServerUrl() ? describe : describe.skip;

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

withServer('a database outage', () => {
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

  it('answers errors while the database is away, reports not ready, recovers without a restart and loses no acknowledged write', async () => {
    const cohortId = (await newCohort(direct)).id;
    const member = await newMember(direct, cohortId);
    const space = await direct.dataSource
      .getRepository(SpaceEntity)
      .save({ cohortId, title: 'Outage', purpose: 'p', createdById: member.id });
    const { startThread } = await t.ok<{ startThread: { id: string } }>(
      START,
      { input: { spaceId: space.id, title: 'During the outage', body: 'b', kind: 'QUESTION' } },
      member.token,
    );
    const acknowledged: string[] = [];
    const reply = async (i: number) => {
      const started = Date.now();
      const res = await t.gql<{ reply: { id: string } }>(
        REPLY,
        { input: { threadId: startThread.id, body: `write ${i}` } },
        member.token,
      );
      if (res.data?.reply?.id) acknowledged.push(res.data.reply.id);
      return { ok: !res.errors, ms: Date.now() - started, status: res.status };
    };
    for (let i = 0; i < 5; i++) expect((await reply(i)).ok).toBe(true);

    await link.down();
    const during = [];
    for (let i = 5; i < 10; i++) during.push(await reply(i));
    // Errors, quickly, never a hang; no acknowledged write is made while the database is away.
    expect(during.every((r) => !r.ok && r.ms < 10_000 && r.status < 500)).toBe(true);
    expect((await t.http().get('/health/ready')).status).toBe(503);
    expect((await t.http().get('/health')).status).toBe(200);

    await link.up();
    let recovered = false;
    for (let i = 10; i < 40 && !recovered; i++) {
      recovered = (await reply(i)).ok;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered).toBe(true);
    expect((await t.http().get('/health/ready')).status).toBe(200);
    const stored = await direct.dataSource.query<{ id: string }[]>('SELECT id FROM posts WHERE id = ANY($1)', [
      acknowledged,
    ]);
    expect(stored.length).toBe(acknowledged.length);
    expect(acknowledged.length).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
