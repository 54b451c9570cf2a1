import { io } from 'socket.io-client';
import { newCohort, newMember, TEST_PASSWORD } from './harness/factories.js';
import { startServerProcess } from './harness/server-process.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './harness/test-app.js';
import { testServerUrl } from './setup/test-database.js';

const LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { token } }';
const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { token } }';
const ACCEPT = 'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token } }';
const FEED = 'mutation ($cohortId: ID!) { createCalendarFeed(cohortId: $cohortId) { url } }';

/** A server process on the test database needs a database server both can reach. */
const withServer = testServerUrl() ? describe : describe.skip;

/**
 * Runs a real server with debug logging through logins, invitations, calendar feeds and sockets,
 * then scans everything it logged: no password, access token, invitation token or calendar
 * secret may appear.
 */
withServer('secrets never reach the logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('logs none of the passwords, tokens and secrets used in a session', async () => {
    const cohortId = (await newCohort(t)).id;
    const facilitator = await newMember(t, cohortId, { role: 'FACILITATOR' });
    const server = await startServerProcess({ DATABASE_URL: t.database.url, LOG_LEVEL: 'debug' });
    const { url, child } = server;
    const secrets: string[] = [TEST_PASSWORD, TEST_ADMIN.password, facilitator.token];
    try {
      const gql = async (query: string, variables: unknown, token?: string) => {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        return (await res.json()) as { data?: Record<string, Record<string, string>> };
      };
      const login = await gql(LOGIN, { input: { email: facilitator.email, password: TEST_PASSWORD } });
      secrets.push(login.data!.login.token);
      await gql(LOGIN, { input: { email: facilitator.email, password: 'a wrong password for the logs' } });
      secrets.push('a wrong password for the logs');
      const invite = await gql(
        INVITE,
        { input: { cohortId, email: 'newcomer@gov.example', role: 'MEMBER', ministry: 'finance', country: 'KE' } },
        facilitator.token,
      );
      const invitationToken = invite.data!.invite.token;
      secrets.push(invitationToken);
      const newcomerPassword = 'the newcomer chose this passphrase';
      const accepted = await gql(ACCEPT, {
        input: { token: invitationToken, displayName: 'Newcomer', password: newcomerPassword },
      });
      secrets.push(newcomerPassword, accepted.data!.acceptInvitation.token);
      const feed = await gql(FEED, { cohortId }, facilitator.token);
      const feedUrl = feed.data!.createCalendarFeed.url;
      secrets.push(feedUrl.replace('/calendar/', '').replace('.ics', ''));
      await fetch(`${url}${feedUrl}`);
      const socket = io(url, { auth: { token: facilitator.token }, transports: ['websocket'], reconnection: false });
      await new Promise((resolve) => socket.once('connect', () => resolve(null)));
      socket.close();
      await fetch(`${url}/graphql?token=${facilitator.token}`);
    } finally {
      child.kill('SIGTERM');
      await server.exited;
    }
    const logs = server.output();
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toContain('/calendar/[secret]');
    const found = secrets.filter((secret) => logs.includes(secret));
    expect(found).toEqual([]);
  });
});
