import { io } from 'socket.io-client';
import { SpaceEntity } from '../src/spaces/space.entity.js';
import { newCohort, newMember } from './harness/factories.js';
import { startServerProcess } from './harness/server-process.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { testServerUrl } from './setup/test-database.js';

const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const REPLY = 'mutation ($input: ReplyInput!) { reply(input: $input) { id } }';

/** A second server process on the test database needs a database server both can reach. */
const withServer = testServerUrl() ? describe : describe.skip;

withServer('graceful shutdown on SIGTERM', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('turns readiness off, tells sockets to reconnect, publishes the outbox and exits 0', async () => {
    const cohortId = (await newCohort(t)).id;
    const member = await newMember(t, cohortId);
    const space = await t.dataSource
      .getRepository(SpaceEntity)
      .save({ cohortId, title: 'Shutdown', purpose: 'p', createdById: member.id });
    const server = await startServerProcess({
      DATABASE_URL: t.database.url,
      SHUTDOWN_DELAY: '1',
      SHUTDOWN_TIMEOUT: '10',
    });
    const { url, child, exited } = server;
    try {
      const gql = async <T>(query: string, variables: unknown): Promise<T> => {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}` },
          body: JSON.stringify({ query, variables }),
        });
        return ((await res.json()) as { data: T }).data;
      };
      const { startThread } = await gql<{ startThread: { id: string } }>(START, {
        input: { spaceId: space.id, title: 'Before the stop', body: 'b', kind: 'QUESTION' },
      });
      const socket = io(url, { auth: { token: member.token }, transports: ['websocket'], reconnection: false });
      await new Promise((resolve) => socket.once('connect', () => resolve(null)));
      const told: unknown[] = [];
      socket.on('shutdown', (message: unknown) => told.push(message));
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      await socket.timeout(5000).emitWithAck('subscribe', { topic: `thread:${startThread.id}` });
      await gql(REPLY, { input: { threadId: startThread.id, body: 'Acknowledged just before SIGTERM' } });

      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const during = await fetch(`${url}/health/ready`);
      expect(during.status).toBe(503);
      const reason = await disconnected;
      // A transport close, not a server kick: socket.io clients reconnect on their own.
      expect(reason).toBe('transport close');
      expect(told).toEqual([{ reconnect: true }]);
      const [code] = await exited;
      expect(code).toBe(0);
      const [topic] = await t.dataSource.query<{ published: string; last: string }[]>(
        'SELECT published_seq AS published, last_seq AS last FROM realtime_topics WHERE topic = $1',
        [`thread:${startThread.id}`],
      );
      expect(topic.published).toBe(topic.last);
      socket.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
