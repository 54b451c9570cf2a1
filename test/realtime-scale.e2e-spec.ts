import { OutboxDispatcher } from '../src/realtime/dispatcher.service.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { connectTo, eventually, type TestSocket } from './harness/sockets.js';
import { startServerProcess } from './harness/server-process.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { testServerUrl } from './setup/test-database.js';

const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';

const REDIS_URL = process.env.TEST_REDIS_URL;
/** Several instances need a database server and Redis that they all reach; CI provides both. */
const scaledOut = REDIS_URL && testServerUrl() ? describe : describe.skip;

scaledOut('realtime across instances sharing PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let facilitator: TestMember;
  let member: TestMember;
  let spaceId: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    a = await startTestApp({ REDIS_URL: REDIS_URL! });
    b = await startTestApp({ REDIS_URL: REDIS_URL! }, { sharing: a });
    const cohortId = (await newCohort(a)).id;
    facilitator = await newMember(a, cohortId, { role: 'FACILITATOR' });
    member = await newMember(a, cohortId);
    spaceId = (
      await a.dataSource
        .getRepository(SpaceEntity)
        .save({ cohortId, title: 'Scale-out', purpose: 'p', createdById: facilitator.id })
    ).id;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const threadOn = async (t: TestApp) =>
    (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId, title: 'Across instances', body: 'b', kind: 'QUESTION' } },
        member.token,
      )
    ).startThread.id;

  it('loses no acknowledged post when an instance is killed with SIGKILL mid-stream', async () => {
    const { url, child } = await startServerProcess({ DATABASE_URL: a.database.url, REDIS_URL: REDIS_URL! });
    try {
      const threadId = await threadOn(a);
      const socket = await connectTo(a, member.token);
      sockets.push(socket);
      expect(await socket.subscribe(`thread:${threadId}`)).toEqual({ ok: true });

      const acknowledged: string[] = [];
      const post = async (i: number) => {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${facilitator.token}` },
          body: JSON.stringify({ query: REPLY, variables: { input: { threadId, body: `doomed instance ${i}` } } }),
        }).catch(() => null);
        const body = (await res?.json().catch(() => null)) as { data?: { reply?: { id: string } } } | null;
        if (body?.data?.reply?.id) acknowledged.push(body.data.reply.id);
      };
      // Four writers at a time; the instance dies once about thirty writes were acknowledged.
      let next = 0;
      const writers = Array.from({ length: 4 }, async () => {
        while (next < 200) {
          const i = next++;
          if (acknowledged.length >= 30 && !child.killed) child.kill('SIGKILL');
          await post(i);
          if (child.killed) return;
        }
      });
      await Promise.all(writers);
      expect(child.killed).toBe(true);
      expect(acknowledged.length).toBeGreaterThanOrEqual(30);

      const stored = await a.dataSource.query<{ id: string }[]>('SELECT id FROM posts WHERE id = ANY($1)', [
        acknowledged,
      ]);
      expect(stored.length).toBe(acknowledged.length);
      // What the dead instance had not published, the survivor's dispatcher publishes.
      await eventually(() => {
        const delivered = new Set(socket.of(`thread:${threadId}`).map((e) => (e.payload as { id: string }).id));
        return acknowledged.every((id) => delivered.has(id));
      }, 10_000);
      const ids = socket.of(`thread:${threadId}`).map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    } finally {
      if (!child.killed) child.kill('SIGKILL');
    }
  });

  // Runs last: it stops instance A's dispatcher, so what A's client receives came through Redis.
  it('delivers to a client of instance A, in order, every event caused through instance B', async () => {
    await a.app.get(OutboxDispatcher).onModuleDestroy();
    const threadId = await threadOn(b);
    const socket = await connectTo(a, member.token);
    sockets.push(socket);
    expect(await socket.subscribe(`thread:${threadId}`)).toEqual({ ok: true });
    const posted: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await b.ok<{ reply: { id: string } }>(
        REPLY,
        { input: { threadId, body: `via B ${i}` } },
        facilitator.token,
      );
      posted.push(res.reply.id);
    }
    await eventually(() => socket.of(`thread:${threadId}`).length >= 50, 10_000);
    const received = socket.of(`thread:${threadId}`);
    expect(received.map((e) => (e.payload as { id: string }).id)).toEqual(posted);
    expect(received.map((e) => e.id)).toEqual(posted.map((_id, i) => received[0].id + i));
  });
});
