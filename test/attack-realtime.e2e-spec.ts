import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { newCohort, newMember, newUser, type TestMember, newSpace } from './harness/factories.js';
import { ratifyPolicy } from './harness/charter.js';
import { ASK, SCHEDULE, SET_STATE } from './harness/session-documents.js';
import { connectTo, eventually, settle, type ReceivedEvent, type TestSocket } from './harness/sockets.js';
import { startTestApp, type TestApp } from './harness/test-app.js';

/*
 * Attacks on the realtime delivery. Each test asserts the SAFE outcome: it passes once the hole
 * is closed and fails while it is open; the ones that pass stay as regression guards.
 */

const START = `mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }`;
const REPLY = `mutation ($input: ReplyInput!) { reply(input: $input) { id } }`;
const HIDE = `mutation ($input: HidePostInput!) { hidePost(input: $input) { id } }`;
const EDIT = `mutation ($input: EditPostInput!) { editPost(input: $input) { id } }`;
const DELETE = `mutation ($postId: ID!) { deletePost(postId: $postId) { id } }`;
const MOVE = `mutation ($input: MoveThreadInput!) { moveThread(input: $input) { id spaceId } }`;
const REMOVE = `mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }`;
const CHANGE_ROLE = `mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id role } }`;
const INVITE = `mutation ($input: InviteInput!) { invite(input: $input) { id token } }`;
const ACCEPT_INVITATION = `mutation ($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { token membership { id } }
}`;
const ACCEPT_CHARTER = `mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id } }`;
const UPDATE_SESSION = `mutation ($input: UpdateSessionInput!) { updateSession(input: $input) { id } }`;
const OUTCOME = `mutation ($input: RecordSessionOutcomeInput!) { recordSessionOutcome(input: $input) { id } }`;
const HIDE_QUESTION = `mutation ($input: HideQuestionInput!) { hideQuestion(input: $input) { id } }`;
const LOGOUT = 'mutation { logout }';

const HOUR = 3_600_000;

const json = (value: unknown): string => JSON.stringify(value);
const bodies = (events: ReceivedEvent[]) => events.map((event) => (event.payload as { body?: unknown } | null)?.body);

describe('attacks on realtime delivery', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;
  let member: TestMember;
  let openSpace: string;
  let financeSpace: string;
  const sockets: TestSocket[] = [];

  const space = (cohort: string, by: TestMember, audienceMinistries: string[] = []) =>
    newSpace(t, cohort, by, audienceMinistries);

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'planning', country: 'RW' });
    member = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance', country: 'KE' });
    openSpace = await space(cohortId, facilitator);
    financeSpace = await space(cohortId, facilitator, ['finance']);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const connect = async (token: string) => {
    const socket = await connectTo(t, token);
    sockets.push(socket);
    return socket;
  };
  const thread = async (spaceId = openSpace, author: TestMember = member, title = 'Payroll reform') =>
    (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId, title, body: 'What worked?', kind: 'CHALLENGE' } },
        author.token,
      )
    ).startThread.id;
  const reply = async (threadId: string, who: TestMember, body = 'A reply') =>
    (await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body } }, who.token)).reply.id;
  const schedule = async (experts: string[], cohort = cohortId, by = facilitator, title = 'Expert session') => {
    const startsAt = t.clock.now().getTime() + 60_000;
    return (
      await t.ok<{ scheduleSession: { id: string } }>(
        SCHEDULE,
        {
          input: {
            cohortId: cohort,
            title,
            abstract: 'a',
            startsAt: new Date(startsAt).toISOString(),
            endsAt: new Date(startsAt + HOUR).toISOString(),
            expertMembershipIds: experts,
          },
        },
        by.token,
      )
    ).scheduleSession.id;
  };
  const setState = (sessionId: string, state: string) =>
    t.ok(SET_STATE, { input: { sessionId, state } }, facilitator.token);
  const invite = async (input: Record<string, unknown>, by = facilitator) =>
    (await t.ok<{ invite: { id: string; token: string } }>(INVITE, { input: { cohortId, ...input } }, by.token)).invite
      .token;
  const accept = async (token: string, displayName: string, bearer?: string) =>
    (
      await t.ok<{ acceptInvitation: { token: string; membership: { id: string } } }>(
        ACCEPT_INVITATION,
        { input: bearer ? { token } : { token, displayName, password: 'a long enough password' } },
        bearer,
      )
    ).acceptInvitation;

  // ------------------------------------------------------------------------------------------
  describe('payload redaction', () => {
    it("never sends an expert's account record (email, password hash) in session.updated", async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const scholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
      const sessionId = await schedule([vendor.membershipId, scholar.membershipId]);
      const memberSocket = await connect(member.token);
      const vendorSocket = await connect(vendor.token);
      expect(await memberSocket.subscribe(`session:${sessionId}`)).toEqual({ ok: true });
      expect(await memberSocket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      expect(await vendorSocket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      await setState(sessionId, 'LIVE');
      await eventually(
        () =>
          memberSocket.of(`session:${sessionId}`, 'session.updated').length === 1 &&
          memberSocket.of(`cohort:${cohortId}`, 'session.updated').length === 1 &&
          vendorSocket.of(`cohort:${cohortId}`, 'session.updated').length === 1,
      );
      for (const event of [...memberSocket.events, ...vendorSocket.events]) {
        const text = json(event.payload);
        expect(text).not.toContain(vendor.email);
        expect(text).not.toContain(scholar.email);
        expect(text).not.toContain('$argon2');
        expect(text).not.toMatch(/passwordHash|loadedUser|platformRole|showEmail/);
      }
      // The vendor is told who speaks, and nothing about who else is in the cohort.
      const vendorText = json(vendorSocket.events);
      expect(vendorText).not.toContain(facilitator.displayName);
      expect(vendorText).not.toContain(member.displayName);
    });

    it("shows others' membership.updated without emails, access windows, grants or acceptance, and never to a vendor", async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      await schedule([vendor.membershipId]);
      const memberSocket = await connect(member.token);
      const facilitatorSocket = await connect(facilitator.token);
      const vendorSocket = await connect(vendor.token);
      for (const socket of [memberSocket, facilitatorSocket, vendorSocket]) {
        expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      }
      const email = `scholar-${randomUUID()}@test.convene`;
      const expiresAt = new Date(t.clock.now().getTime() + 30 * 24 * HOUR).toISOString();
      const token = await invite({
        email,
        role: 'SCHOLAR',
        ministry: 'academia',
        country: 'GH',
        accessExpiresAt: expiresAt,
        spaceIds: [openSpace],
      });
      const joined = await accept(token, 'Scholar Newcomer');
      const mine = (s: TestSocket) =>
        s
          .of(`cohort:${cohortId}`, 'membership.updated')
          .filter((e) => (e.payload as { id: string }).id === joined.membership.id);
      await eventually(() => mine(memberSocket).length === 1 && mine(facilitatorSocket).length === 1);
      expect(mine(facilitatorSocket)[0].payload).toMatchObject({
        accessExpiresAt: expiresAt,
        grantedSpaceIds: [openSpace],
      });
      const seen = mine(memberSocket)[0].payload!;
      expect(seen).toMatchObject({ accessExpiresAt: null, grantedSpaceIds: [], grantedSessionIds: [] });
      expect(seen.acceptedCharterVersion ?? null).toBeNull();
      expect(json(memberSocket.events)).not.toContain(email);
      expect(json(facilitatorSocket.events)).not.toContain('$argon2');
      await settle();
      expect(vendorSocket.of(`cohort:${cohortId}`, 'membership.updated')).toEqual([]);
      expect(json(vendorSocket.events)).not.toContain('Scholar Newcomer');

      // A replay from the start shows the vendor nothing about anyone else either.
      const replaying = await connect(vendor.token);
      expect(await replaying.subscribe(`cohort:${cohortId}`, 0)).toEqual({ ok: true });
      await settle(1000);
      for (const event of replaying.events) {
        if (event.type === 'membership.updated') expect(event.payload).toMatchObject({ id: vendor.membershipId });
      }
      expect(json(replaying.events)).not.toContain('Scholar Newcomer');
      expect(json(replaying.events)).not.toContain(member.displayName);
    });

    it('keeps authors from scholars under CHATHAM_HOUSE and hidden bodies and reasons from non-facilitators', async () => {
      const scholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
      await t.dataSource.query('UPDATE memberships SET granted_space_ids = $2 WHERE id = $1', [
        scholar.membershipId,
        [openSpace],
      ]);
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const scholarSocket = await connect(scholar.token);
      const peerSocket = await connect((await newMember(t, cohortId, { ministry: 'health' })).token);
      expect(await scholarSocket.subscribe(topic)).toEqual({ ok: true });
      expect(await peerSocket.subscribe(topic)).toEqual({ ok: true });
      const postId = await reply(threadId, member, 'Names the minister');
      await t.ok(HIDE, { input: { postId, reason: 'Names a person' } }, facilitator.token);
      await eventually(() => scholarSocket.of(topic).length === 2 && peerSocket.of(topic).length === 2);
      expect(scholarSocket.of(topic, 'post.created')[0].payload).toMatchObject({ author: null });
      for (const socket of [scholarSocket, peerSocket]) {
        expect(socket.of(topic, 'post.hidden')[0].payload).toMatchObject({
          body: null,
          bodyHtml: null,
          hiddenReason: null,
        });
        expect(json(socket.of(topic, 'post.hidden'))).not.toContain('Names a person');
      }
    });

    it('gives observers (when admitted) no authors under CHATHAM_HOUSE, and pseudonyms without ministry under ANONYMOUS', async () => {
      const local = (await newCohort(t)).id;
      const lead = await newMember(t, local, { role: 'FACILITATOR' });
      const voter = await newMember(t, local, { ministry: 'health', country: 'UG' });
      const observer = await newMember(t, local, { role: 'OBSERVER', ministry: 'other' });
      await ratifyPolicy(t, local, lead, [voter], { observers: 'ALLOWED' }, [observer]);
      const localSpace = await space(local, lead);
      const threadId = await thread(localSpace, voter);
      const topic = `thread:${threadId}`;
      const observerSocket = await connect(observer.token);
      expect(await observerSocket.subscribe(topic)).toEqual({ ok: true });
      await reply(threadId, voter, 'Observed');
      await eventually(() => observerSocket.of(topic).length === 1);
      expect(observerSocket.of(topic)[0].payload).toMatchObject({ author: null });
      expect(json(observerSocket.events)).not.toContain(voter.displayName);

      await ratifyPolicy(t, local, lead, [voter], { attribution: 'ANONYMOUS' }, [observer]);
      const anonThread = await thread(localSpace, voter);
      const anonTopic = `thread:${anonThread}`;
      const voterSocket = await connect(voter.token);
      const leadSocket = await connect(lead.token);
      const again = await connect(observer.token);
      for (const socket of [voterSocket, leadSocket, again])
        expect(await socket.subscribe(anonTopic)).toEqual({ ok: true });
      await reply(anonThread, lead, 'Facilitator speaks');
      await eventually(() => [voterSocket, leadSocket, again].every((s) => s.of(anonTopic).length === 1));
      for (const socket of [voterSocket, again]) {
        expect(socket.of(anonTopic)[0].payload).toMatchObject({
          author: { displayName: 'Participant 2', ministry: null, country: null },
        });
        expect(json(socket.events)).not.toContain(lead.displayName);
      }
      expect(leadSocket.of(anonTopic)[0].payload).toMatchObject({ author: { displayName: lead.displayName } });
    });

    it('sends non-moderators only { id, sessionId, hidden } of a hidden question, and vendors no session outcome', async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const sessionId = await schedule([vendor.membershipId]);
      const topic = `session:${sessionId}`;
      const memberSocket = await connect(member.token);
      const vendorSocket = await connect(vendor.token);
      expect(await memberSocket.subscribe(topic)).toEqual({ ok: true });
      expect(await vendorSocket.subscribe(topic)).toEqual({ ok: true });
      const { askQuestion } = await t.ok<{ askQuestion: { id: string } }>(
        ASK,
        { input: { sessionId, body: 'Who approved the budget overrun?' } },
        member.token,
      );
      await eventually(() => vendorSocket.of(topic, 'question.created').length === 1);
      await t.ok(HIDE_QUESTION, { input: { questionId: askQuestion.id, reason: 'Too pointed' } }, facilitator.token);
      await eventually(() => vendorSocket.of(topic, 'question.updated').length === 1);
      await eventually(() => memberSocket.of(topic, 'question.updated').length === 1);
      for (const socket of [memberSocket, vendorSocket]) {
        expect(socket.of(topic, 'question.updated')[0].payload).toEqual({
          id: askQuestion.id,
          sessionId,
          hidden: true,
        });
        expect(json(socket.of(topic, 'question.updated'))).not.toContain('Too pointed');
      }
      await setState(sessionId, 'LIVE');
      await setState(sessionId, 'ENDED');
      await t.ok(
        OUTCOME,
        { input: { sessionId, summary: 'Confidential summary', keyTakeaways: ['Secret takeaway'] } },
        facilitator.token,
      );
      await eventually(
        () =>
          vendorSocket.of(topic, 'session.updated').length === 3 &&
          memberSocket.of(topic, 'session.updated').length === 3,
      );
      expect(json(memberSocket.of(topic, 'session.updated'))).toContain('Confidential summary');
      const last = vendorSocket.of(topic, 'session.updated')[2].payload;
      expect(last).toMatchObject({
        outcomeSummary: null,
        keyTakeaways: [],
        followUpThreadId: null,
        recordingUrl: null,
      });
      expect(json(vendorSocket.events)).not.toMatch(/Confidential summary|Secret takeaway/);
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('who may follow what', () => {
    it('refuses every topic to the gated, the ungranted, observers under FORBIDDEN, vendors, outsiders, the removed, the expired and the admin', async () => {
      const threadId = await thread();
      const financeThread = await thread(financeSpace);
      const grantedScholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
      const sessionId = await schedule([grantedScholar.membershipId]);
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const vendorSession = await schedule([vendor.membershipId]);
      const gated = await newMember(t, cohortId, { charterAccepted: false });
      const scholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
      const observer = await newMember(t, cohortId, { role: 'OBSERVER', ministry: 'other' });
      const removed = await newMember(t, cohortId, { status: 'REMOVED' });
      const expired = await newMember(t, cohortId, { accessExpiresAt: new Date(t.clock.now().getTime() - 1000) });
      const health = await newMember(t, cohortId, { ministry: 'health' });
      const outsider = await newMember(t, (await newCohort(t)).id, { role: 'FACILITATOR' });
      const admin = await t.adminToken();
      const cohort = `cohort:${cohortId}`;
      const cases: [string, string, string][] = [
        [gated.token, cohort, 'CHARTER_NOT_ACCEPTED'],
        [gated.token, `thread:${threadId}`, 'CHARTER_NOT_ACCEPTED'],
        [gated.token, `session:${sessionId}`, 'CHARTER_NOT_ACCEPTED'],
        [scholar.token, `thread:${threadId}`, 'NOT_FOUND'],
        [scholar.token, `session:${sessionId}`, 'NOT_FOUND'],
        [grantedScholar.token, `thread:${threadId}`, 'NOT_FOUND'],
        [observer.token, `thread:${threadId}`, 'NOT_FOUND'],
        [observer.token, `session:${sessionId}`, 'NOT_FOUND'],
        [vendor.token, `thread:${threadId}`, 'NOT_FOUND'],
        [vendor.token, `session:${sessionId}`, 'NOT_FOUND'],
        [health.token, `thread:${financeThread}`, 'NOT_FOUND'],
        [removed.token, cohort, 'NOT_FOUND'],
        [removed.token, `thread:${threadId}`, 'NOT_FOUND'],
        [removed.token, `session:${sessionId}`, 'NOT_FOUND'],
        [expired.token, cohort, 'NOT_FOUND'],
        [expired.token, `thread:${threadId}`, 'NOT_FOUND'],
        [outsider.token, cohort, 'NOT_FOUND'],
        [outsider.token, `session:${sessionId}`, 'NOT_FOUND'],
        [admin, cohort, 'NOT_FOUND'],
        [admin, `thread:${threadId}`, 'NOT_FOUND'],
        [admin, `session:${sessionId}`, 'NOT_FOUND'],
      ];
      for (const [token, topic, code] of cases) {
        const socket = await connect(token);
        expect({ topic, ack: await socket.subscribe(topic) }).toEqual({ topic, ack: { ok: false, code } });
        socket.close();
      }
      const allowed: [string, string][] = [
        [grantedScholar.token, `session:${sessionId}`],
        [vendor.token, `session:${vendorSession}`],
        [vendor.token, cohort],
        [member.token, `thread:${financeThread}`],
      ];
      for (const [token, topic] of allowed) {
        const socket = await connect(token);
        expect({ topic, ack: await socket.subscribe(topic) }).toEqual({ topic, ack: { ok: true } });
        socket.close();
      }
    });

    it('tells an OBSERVER on the cohort topic nothing about sessions while the charter forbids observers', async () => {
      const observer = await newMember(t, cohortId, { role: 'OBSERVER', ministry: 'other' });
      const socket = await connect(observer.token);
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      const sessionId = await schedule([], cohortId, facilitator, 'Closed-door briefing');
      await setState(sessionId, 'LIVE');
      await settle();
      expect(socket.of(`cohort:${cohortId}`, 'session.updated')).toEqual([]);
      expect(json(socket.events)).not.toContain('Closed-door briefing');
    });

    it('answers BAD_USER_INPUT to crafted topics and bodies, and keeps the socket usable', async () => {
      const threadId = await thread();
      const upper = threadId.toUpperCase();
      const bad: unknown[] = [
        { topic: `Thread:${threadId}` },
        { topic: `THREAD:${threadId}` },
        { topic: ` thread:${threadId}` },
        { topic: `thread:${threadId} ` },
        { topic: `thread: ${threadId}` },
        { topic: `thread:${threadId}\n` },
        { topic: `thread\uff1a${threadId}` },
        { topic: `thread:${threadId.replace(/a/g, '\u0430')}x` },
        { topic: `thread:${threadId}:` },
        { topic: `thread::${threadId}` },
        { topic: `cohort:${cohortId}:thread:${threadId}` },
        { topic: `thread:${'a'.repeat(5000)}` },
        { topic: `__proto__:${threadId}` },
        { topic: `constructor:${threadId}` },
        { topic: 'toString' },
        { topic: `hasOwnProperty:${threadId}` },
        { topic: 42 },
        { topic: null },
        { topic: true },
        { topic: [`thread:${threadId}`] },
        { topic: { topic: `thread:${threadId}` } },
        { ['__proto__']: { topic: `thread:${threadId}` } },
        `thread:${threadId}`,
        [`thread:${threadId}`],
        null,
        123,
        { topic: `thread:${threadId}`, since: -1 },
        { topic: `thread:${threadId}`, since: 1.5 },
        { topic: `thread:${threadId}`, since: '0' },
        { topic: `thread:${threadId}`, since: 1e20 },
        { topic: `thread:${threadId}`, since: true },
        { topic: `thread:${threadId}`, since: {} },
        { topic: `thread:${threadId}`, since: [] },
        { topic: `thread:${upper}`, since: -5 },
      ];
      for (let i = 0; i < bad.length; i += 10) {
        const socket = await connect(member.token);
        for (const body of bad.slice(i, i + 10)) {
          const ack = (await socket.socket.timeout(5000).emitWithAck('subscribe', body)) as unknown;
          expect({ body, ack }).toEqual({ body, ack: { ok: false, code: 'BAD_USER_INPUT' } });
        }
        expect(await socket.subscribe(`thread:${threadId}`)).toEqual({ ok: true });
        socket.close();
      }
      const socket = await connect(member.token);
      const unsub = (await socket.socket.timeout(5000).emitWithAck('unsubscribe', { topic: 42 })) as unknown;
      expect(unsub).toEqual({ ok: false, code: 'BAD_USER_INPUT' });
      expect(await socket.unsubscribe(`thread:${randomUUID()}`)).toEqual({ ok: true });
    });

    it('either refuses a topic named with an upper-case id or delivers its events (never a silent ok)', async () => {
      const threadId = await thread();
      const socket = await connect(member.token);
      const ack = await socket.subscribe(`thread:${threadId.toUpperCase()}`);
      await reply(threadId, facilitator, 'Heard under any spelling');
      if (ack.ok) {
        await eventually(() => socket.events.length === 1, 3000);
      } else {
        expect(ack).toEqual({ ok: false, code: 'BAD_USER_INPUT' });
      }
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('duplicates, order and limits', () => {
    it('does not double events on a repeated subscribe, sequential or concurrent', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      for (let i = 0; i < 5; i++) await reply(threadId, facilitator, `old ${i}`);
      const sequential = await connect(member.token);
      expect(await sequential.subscribe(topic, 0)).toEqual({ ok: true });
      expect(await sequential.subscribe(topic, 0)).toEqual({ ok: true });
      const concurrent = await connect(member.token);
      const acks = await Promise.all([0, 1, 2].map(() => concurrent.subscribe(topic, 0)));
      expect(acks).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
      await reply(threadId, facilitator, 'live');
      await eventually(() => sequential.of(topic).length >= 6 && concurrent.of(topic).length >= 6);
      await settle();
      for (const socket of [sequential, concurrent]) {
        const ids = socket.of(topic).map((e) => e.id);
        expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
      }
    });

    it('stops replaying once unsubscribed, even after a concurrent double subscribe', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      for (let i = 0; i < 150; i++) await reply(threadId, facilitator, `old ${i}`);
      const socket = await connect(member.token);
      await Promise.all([socket.subscribe(topic, 0), socket.subscribe(topic, 0)]);
      await eventually(() => socket.events.length >= 5);
      expect(await socket.unsubscribe(topic)).toEqual({ ok: true });
      // Everything sent before the unsubscribe arrived before its ack: nothing may follow it.
      const count = socket.events.length;
      await settle(1500);
      expect(socket.events.length).toBe(count);
    });

    it('delivers concurrent replies from many authors once each, in increasing order', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const authors = [facilitator, member, await newMember(t, cohortId), await newMember(t, cohortId)];
      const socket = await connect(member.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
      await Promise.all(Array.from({ length: 40 }, (_, i) => reply(threadId, authors[i % authors.length], `c ${i}`)));
      await eventually(() => socket.of(topic).length >= 40, 10_000);
      await settle();
      const ids = socket.of(topic).map((e) => e.id);
      expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('holds the 50-subscription cap under concurrent subscribes', async () => {
      const threads: string[] = [];
      for (let i = 0; i < 60; i++) threads.push(await thread(openSpace, member, `Cap ${i}`));
      const socket = await connect(member.token);
      const acks = [];
      for (let round = 0; round < 3; round++) {
        if (round > 0) await settle(2100); // let the rate limiter refill its burst of 20
        const batch = threads.slice(round * 20, round * 20 + 20);
        acks.push(...(await Promise.all(batch.map((id) => socket.subscribe(`thread:${id}`)))));
      }
      expect(acks.filter((ack) => ack.code === 'RATE_LIMITED')).toEqual([]);
      expect(acks.filter((ack) => ack.ok).length).toBeLessThanOrEqual(50);
    });

    it('rate-limits a flood of subscribes without breaking the socket', async () => {
      const threadId = await thread();
      const socket = await connect(member.token);
      const acks = await Promise.all(Array.from({ length: 60 }, () => socket.subscribe(`thread:${randomUUID()}`)));
      expect(acks.filter((ack) => ack.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(35);
      await settle(1200);
      expect(await socket.subscribe(`thread:${threadId}`)).toEqual({ ok: true });
    });

    it('drops a client message over 16 KiB without harming the server', async () => {
      const socket = await connect(member.token);
      socket.socket.emit('subscribe', { topic: `thread:${'x'.repeat(20 * 1024)}` });
      await eventually(() => socket.disconnected, 3000);
      const fresh = await connect(member.token);
      expect(await fresh.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('losing access while subscribed', () => {
    // One rendering is shared by every reader with the same role. A reader still replaying
    // older events reaches the new ones after a same-role reader rendered them (or vice versa).
    const busyThread = async (title: string, count = 150) => {
      const threadId = await thread(openSpace, member, title);
      for (let i = 0; i < count; i++) await reply(threadId, facilitator, `before the move ${i}`);
      return threadId;
    };

    it('sends nothing of a thread moved into a space whose audience excludes the subscriber', async () => {
      const threadId = await busyThread('Soon restricted');
      const topic = `thread:${threadId}`;
      const health = await newMember(t, cohortId, { ministry: 'health' });
      const entitled = await connect(member.token); // finance: still admitted after the move
      const excluded = await connect(health.token);
      expect(await entitled.subscribe(topic)).toEqual({ ok: true });
      expect(await excluded.subscribe(topic, 0)).toEqual({ ok: true }); // still catching up
      await t.ok(MOVE, { input: { threadId, spaceId: financeSpace } }, facilitator.token);
      await reply(threadId, facilitator, 'Finance-only figures');
      await eventually(() => entitled.of(topic, 'post.created').length === 1);
      await settle(3000);
      expect(excluded.of(topic).filter((e) => e.id > 150)).toEqual([]);
      expect(json(excluded.events)).not.toContain('Finance-only figures');
    });

    it('still delivers a moved thread to those it admits when an excluded subscriber rendered it first', async () => {
      const threadId = await busyThread('Soon restricted too');
      const topic = `thread:${threadId}`;
      const health = await newMember(t, cohortId, { ministry: 'health' });
      const excluded = await connect(health.token);
      const entitled = await connect(member.token);
      expect(await excluded.subscribe(topic)).toEqual({ ok: true });
      expect(await entitled.subscribe(topic, 0)).toEqual({ ok: true }); // still catching up
      await t.ok(MOVE, { input: { threadId, spaceId: financeSpace } }, facilitator.token);
      await reply(threadId, facilitator, 'For finance');
      await eventually(() => entitled.of(topic).length >= 150, 10_000);
      await settle(1500);
      expect(entitled.of(topic, 'thread.updated')).toHaveLength(1);
      expect(bodies(entitled.of(topic, 'post.created'))).toContain('For finance');
    });

    it('revokes the topic of a subscriber a thread move shuts out', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const health = await newMember(t, cohortId, { ministry: 'health' });
      const socket = await connect(health.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
      await t.ok(MOVE, { input: { threadId, spaceId: financeSpace } }, facilitator.token);
      await eventually(() => socket.revoked.includes(topic), 2000);
    });

    it('never shows a vendor taken off a session what changed with it, on the cohort or the session topic', async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const kept = await schedule([vendor.membershipId]); // keeps the vendor's window open
      const dropped = await schedule([vendor.membershipId]);
      // Other followers of the cohort, connected first, so the recheck reaches the vendor last.
      for (let i = 0; i < 6; i++) {
        const other = await connect((await newMember(t, cohortId)).token);
        expect(await other.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
        expect(await other.subscribe(`session:${dropped}`)).toEqual({ ok: true });
      }
      const socket = await connect(vendor.token);
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      expect(await socket.subscribe(`session:${dropped}`)).toEqual({ ok: true });
      await t.ok(
        UPDATE_SESSION,
        { input: { sessionId: dropped, expertMembershipIds: [], title: 'Procurement shortlist (vendors excluded)' } },
        facilitator.token,
      );
      await eventually(() => socket.revoked.includes(`session:${dropped}`), 3000);
      await settle();
      expect(json(socket.events)).not.toContain('vendors excluded');
      expect(socket.events.map((e) => (e.payload as { id?: string }).id)).not.toContain(dropped);
      expect(kept).toBeDefined();
    });

    it('revokes on a role change to OBSERVER under observers FORBIDDEN and sends nothing after it', async () => {
      const changing = await newMember(t, cohortId, { ministry: 'finance' });
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const socket = await connect(changing.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      await t.ok(CHANGE_ROLE, { input: { membershipId: changing.membershipId, role: 'OBSERVER' } }, facilitator.token);
      for (let i = 0; i < 3; i++) await reply(threadId, member, `After demotion ${i}`);
      await eventually(() => socket.revoked.includes(topic), 2000);
      await settle();
      expect(json(socket.of(topic))).not.toContain('After demotion');
      expect(await socket.subscribe(topic)).toEqual({ ok: false, code: 'NOT_FOUND' });
    });

    it('revokes a removed member, refuses them while removed, and admits a re-invited one only after the charter', async () => {
      const email = `returning-${randomUUID()}@test.convene`;
      const user = await newUser(t, { email });
      const leaving = await newMember(t, cohortId, { user });
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const socket = await connect(leaving.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      await t.ok(REMOVE, { input: { membershipId: leaving.membershipId } }, facilitator.token);
      await reply(threadId, member, 'While removed');
      await eventually(() => socket.revoked.includes(topic) && socket.revoked.includes(`cohort:${cohortId}`), 2000);
      await settle();
      expect(json(socket.events)).not.toContain('While removed');
      expect(await socket.subscribe(topic)).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: false, code: 'NOT_FOUND' });

      t.clock.set(new Date(Date.now() + 1000)); // the new invitation is issued after the removal
      try {
        const token = await invite({ email, role: 'MEMBER', ministry: 'finance', country: 'KE' });
        await accept(token, 'ignored', user.token);
      } finally {
        t.clock.set(null);
      }
      expect(await socket.subscribe(topic)).toEqual({ ok: false, code: 'CHARTER_NOT_ACCEPTED' });
      const { cohort } = await t.ok<{ cohort: { charter: { version: number } } }>(
        'query ($id: ID!) { cohort(id: $id) { charter { version } } }',
        { id: cohortId },
        user.token,
      );
      await t.ok(ACCEPT_CHARTER, { input: { cohortId, version: cohort.charter.version } }, user.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
    });

    it('revokes when an access window closes by the clock and sends nothing after', async () => {
      const closing = await newMember(t, cohortId, { accessExpiresAt: new Date(t.clock.now().getTime() + HOUR) });
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const socket = await connect(closing.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      t.clock.set(new Date(t.clock.now().getTime() + 2 * HOUR));
      try {
        await reply(threadId, member, 'After the window');
        await eventually(() => socket.revoked.includes(topic) && socket.revoked.includes(`cohort:${cohortId}`), 3000);
        await settle();
        expect(json(socket.events)).not.toContain('After the window');
        expect(await socket.subscribe(topic)).toEqual({ ok: false, code: 'NOT_FOUND' });
      } finally {
        t.clock.set(null);
      }
    });

    it('revokes every topic on a ratified charter, delivers nothing until re-acceptance, then admits again', async () => {
      const local = (await newCohort(t)).id;
      const lead = await newMember(t, local, { role: 'FACILITATOR' });
      const voter = await newMember(t, local);
      const follower = await newMember(t, local);
      const localSpace = await space(local, lead);
      const threadId = await thread(localSpace, voter);
      const topic = `thread:${threadId}`;
      const socket = await connect(follower.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
      expect(await socket.subscribe(`cohort:${local}`)).toEqual({ ok: true });
      const version = await ratifyPolicy(t, local, lead, [voter], { recording: 'ALLOWED' });
      await reply(threadId, voter, 'Before acceptance');
      await eventually(() => socket.revoked.includes(topic) && socket.revoked.includes(`cohort:${local}`), 2000);
      await settle();
      expect(json(socket.of(topic))).not.toContain('Before acceptance');
      expect(await socket.subscribe(topic)).toEqual({ ok: false, code: 'CHARTER_NOT_ACCEPTED' });
      await t.ok(ACCEPT_CHARTER, { input: { cohortId: local, version } }, follower.token);
      expect(await socket.subscribe(topic)).toEqual({ ok: true });
      await reply(threadId, voter, 'After acceptance');
      await eventually(() => bodies(socket.of(topic)).includes('After acceptance'));
    });

    it('disconnects a socket whose token expired by the clock', async () => {
      const someone = await newMember(t, cohortId);
      const socket = await connect(someone.token);
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      t.clock.set(new Date(Date.now() + 13 * HOUR)); // past the default 12-hour TOKEN_TTL
      try {
        await eventually(() => socket.disconnected, 4000);
      } finally {
        t.clock.set(null);
      }
    });

    it('refuses subscribes and stops deliveries at logout', async () => {
      const leaving = await newMember(t, cohortId);
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      await reply(threadId, member, 'History');
      const socket = await connect(leaving.token);
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      await t.ok(LOGOUT, {}, leaving.token);
      const ack = await socket.subscribe(topic, 0).catch(() => ({ ok: false }));
      expect(ack.ok).toBe(false);
      await settle();
      expect(json(socket.events)).not.toContain('History');
      await eventually(() => socket.disconnected, 4000);
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('replay', () => {
    it('renders replayed events as of now: no hidden, deleted or edited-away body reaches a late reader', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const live = await connect(member.token); // a reader online when the posts were written
      expect(await live.subscribe(topic)).toEqual({ ok: true });
      const hidden = await reply(threadId, member, 'Regrettable remark');
      const deleted = await reply(threadId, member, 'Posted by mistake');
      const edited = await reply(threadId, member, 'First draft with a name');
      await eventually(() => live.of(topic).length === 3);
      await t.ok(HIDE, { input: { postId: hidden, reason: 'Names a person' } }, facilitator.token);
      await t.ok(DELETE, { postId: deleted }, member.token);
      await t.ok(EDIT, { input: { postId: edited, body: 'Second draft' } }, member.token);
      await eventually(() => live.of(topic).length === 6);
      // Another member reconnects a moment later and replays the thread from the start.
      const late = await connect((await newMember(t, cohortId, { ministry: 'health' })).token);
      expect(await late.subscribe(topic, 0)).toEqual({ ok: true });
      await eventually(() => late.of(topic).length === 6);
      const text = json(late.events);
      expect(text).not.toContain('Regrettable remark');
      expect(text).not.toContain('Posted by mistake');
      expect(text).not.toContain('First draft with a name');
    });

    it('replays a question hidden since as { hidden: true } to a late reader', async () => {
      const sessionId = await schedule([]);
      const topic = `session:${sessionId}`;
      const live = await connect(member.token);
      expect(await live.subscribe(topic)).toEqual({ ok: true });
      const { askQuestion } = await t.ok<{ askQuestion: { id: string } }>(
        ASK,
        { input: { sessionId, body: 'Which minister signed it?' } },
        member.token,
      );
      await eventually(() => live.of(topic, 'question.created').length === 1);
      await t.ok(HIDE_QUESTION, { input: { questionId: askQuestion.id, reason: 'No names' } }, facilitator.token);
      const late = await connect((await newMember(t, cohortId)).token);
      expect(await late.subscribe(topic, 0)).toEqual({ ok: true });
      await eventually(() => late.of(topic).length >= 2);
      expect(json(late.events)).not.toContain('Which minister signed it?');
    });

    it('replays authors under the attribution in force, not the one a moment ago (CHATHAM_HOUSE after NAMED)', async () => {
      const local = (await newCohort(t)).id;
      const lead = await newMember(t, local, { role: 'FACILITATOR' });
      const voter = await newMember(t, local, { ministry: 'health', country: 'UG' });
      const localSpace = await space(local, lead);
      const scholars = [
        await newMember(t, local, { role: 'SCHOLAR', ministry: 'academia' }),
        await newMember(t, local, { role: 'SCHOLAR', ministry: 'academia' }),
      ];
      for (const scholar of scholars) {
        await t.dataSource.query('UPDATE memberships SET granted_space_ids = $2 WHERE id = $1', [
          scholar.membershipId,
          [localSpace],
        ]);
      }
      await ratifyPolicy(t, local, lead, [voter], { attribution: 'NAMED' }, scholars);
      const threadId = await thread(localSpace, voter);
      const topic = `thread:${threadId}`;
      const live = await connect(scholars[0].token);
      expect(await live.subscribe(topic)).toEqual({ ok: true });
      await reply(threadId, voter, 'Said under NAMED');
      await eventually(() => live.of(topic).length === 1);
      expect(live.of(topic)[0].payload).toMatchObject({ author: { displayName: voter.displayName } });
      await ratifyPolicy(t, local, lead, [voter], { attribution: 'CHATHAM_HOUSE' }, scholars);
      const late = await connect(scholars[1].token);
      expect(await late.subscribe(topic, 0)).toEqual({ ok: true });
      await eventually(() => late.of(topic).length === 1);
      expect(late.of(topic)[0].payload).toMatchObject({ author: null });
    });

    it('shows a vendor nothing of its sessions once the charter shuts vendors out', async () => {
      const local = (await newCohort(t)).id;
      const lead = await newMember(t, local, { role: 'FACILITATOR' });
      const voter = await newMember(t, local);
      const vendor = await newMember(t, local, { role: 'VENDOR', ministry: 'private-sector' });
      const sessionId = await schedule([vendor.membershipId], local, lead, 'Vendor pitch');
      await ratifyPolicy(t, local, lead, [voter], { vendorAccess: 'NONE' }, [vendor]);
      const socket = await connect(vendor.token);
      expect(await socket.subscribe(`session:${sessionId}`)).toEqual({ ok: false, code: 'NOT_FOUND' });
      const ack = await socket.subscribe(`cohort:${local}`, 0);
      if (ack.ok) {
        await t.ok(SET_STATE, { input: { sessionId, state: 'LIVE' } }, lead.token);
        await settle();
        expect(socket.of(`cohort:${local}`, 'session.updated')).toEqual([]);
      }
    });

    it('replays to a late joiner only what GraphQL shows it now (no earlier bodies), and handles odd since values', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const postId = await reply(threadId, member, 'Original wording');
      await t.ok(EDIT, { input: { postId, body: 'Reworded' } }, member.token);
      await reply(threadId, member, 'Second');
      const newcomer = await newMember(t, cohortId, { ministry: 'health' });
      const socket = await connect(newcomer.token);
      expect(await socket.subscribe(topic, 0)).toEqual({ ok: true });
      await eventually(() => socket.of(topic).length === 3);
      expect(json(socket.events)).not.toContain('Original wording');
      expect(socket.of(topic).map((e) => e.id)).toEqual([1, 2, 3]);

      const far = await connect(newcomer.token);
      expect(await far.subscribe(topic, Number.MAX_SAFE_INTEGER)).toEqual({ ok: true });
      const nullSince = await connect(newcomer.token);
      expect(await nullSince.subscribe(topic, null as unknown as number)).toEqual({ ok: true });
      await reply(threadId, member, 'Fourth');
      await eventually(() => far.of(topic).length === 1 && nullSince.of(topic).length === 1);
      expect(far.of(topic)[0].id).toBe(4);
      expect(nullSince.of(topic)[0].id).toBe(4);
    });
  });
});

describe('attacks on the realtime handshake: origins', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://app.example.org' });
    const cohortId = (await newCohort(t)).id;
    token = (await newMember(t, cohortId)).token;
  });
  afterAll(() => t.close());

  const tryConnect = (origin: string | undefined, transports: ('websocket' | 'polling')[]) =>
    new Promise<boolean>((resolve) => {
      const socket = io(t.url, {
        auth: { token },
        transports,
        reconnection: false,
        timeout: 3000,
        extraHeaders: origin === undefined ? {} : { origin },
      });
      socket.once('connect', () => {
        socket.close();
        resolve(true);
      });
      socket.once('connect_error', () => {
        socket.close();
        resolve(false);
      });
    });

  it.each([
    ['websocket', ['websocket'] as ('websocket' | 'polling')[]],
    ['polling', ['polling'] as ('websocket' | 'polling')[]],
  ])(
    'refuses an Origin outside CORS_ORIGINS over %s, and admits the allowed one and none',
    async (_label, transports) => {
      expect(await tryConnect('https://evil.example.com', transports)).toBe(false);
      expect(await tryConnect('https://app.example.org.evil.com', transports)).toBe(false);
      expect(await tryConnect('null', transports)).toBe(false);
      expect(await tryConnect('https://app.example.org', transports)).toBe(true);
      expect(await tryConnect(undefined, transports)).toBe(true);
    },
  );
});
