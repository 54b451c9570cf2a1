import { randomUUID } from 'node:crypto';
import { newCohort, newMember, type TestMember } from './harness/factories.js';
import { ratifyPolicy } from './harness/charter.js';
import { SCHEDULE, ASK } from './harness/session-documents.js';
import { connectTo, eventually, settle, type TestSocket } from './harness/sockets.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { jest } from '@jest/globals';
import { OutboxDispatcher } from '../src/realtime/dispatcher.service.js';
import { EventRenderer } from '../src/realtime/renderer.service.js';
import { EventPruner } from '../src/realtime/prune.service.js';
import { SpaceEntity } from '../src/spaces/space.entity.js';

const START = `mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }`;
const REPLY = `mutation ($input: ReplyInput!) { reply(input: $input) { id } }`;
const HIDE = `mutation ($input: HidePostInput!) { hidePost(input: $input) { id } }`;
const REMOVE = `mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }`;
const LOGOUT = 'mutation { logout }';

const HOUR = 3_600_000;

describe('realtime delivery over socket.io', () => {
  let t: TestApp;
  let cohortId: string;
  let facilitator: TestMember;
  let member: TestMember;
  let spaceId: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    cohortId = (await newCohort(t)).id;
    facilitator = await newMember(t, cohortId, { role: 'FACILITATOR', ministry: 'planning', country: 'RW' });
    member = await newMember(t, cohortId, { role: 'MEMBER', ministry: 'finance', country: 'KE' });
    spaceId = (
      await t.dataSource
        .getRepository(SpaceEntity)
        .save({ cohortId, title: 'Reform clinic', purpose: 'p', createdById: facilitator.id })
    ).id;
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
  const thread = async () =>
    (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId, title: 'Payroll reform', body: 'What worked?', kind: 'CHALLENGE' } },
        member.token,
      )
    ).startThread.id;
  const reply = async (threadId: string, who: TestMember, body = 'A reply') =>
    (await t.ok<{ reply: { id: string } }>(REPLY, { input: { threadId, body } }, who.token)).reply.id;

  describe('the handshake', () => {
    it.each([
      ['no token', undefined],
      ['an unknown token', 'cvn_not-a-token'],
      ['a wrong type', 42 as unknown as string],
    ])('refuses %s with connect_error UNAUTHENTICATED', async (_label, token) => {
      await expect(connectTo(t, token)).rejects.toThrow('UNAUTHENTICATED');
    });

    it('refuses a token that was logged out', async () => {
      const someone = await newMember(t, cohortId);
      await t.ok(LOGOUT, {}, someone.token);
      await expect(connectTo(t, someone.token)).rejects.toThrow('UNAUTHENTICATED');
    });
  });

  describe('subscribe', () => {
    it('answers with the GraphQL codes: outsiders NOT_FOUND, bad topics BAD_USER_INPUT, the gate CHARTER_NOT_ACCEPTED', async () => {
      const threadId = await thread();
      const outsider = await newMember(t, (await newCohort(t)).id, { role: 'FACILITATOR' });
      const gated = await newMember(t, cohortId, { charterAccepted: false });
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const scholar = await newMember(t, cohortId, { role: 'SCHOLAR', ministry: 'academia' });
      const admin = await t.adminToken();
      const cases: [string, string, string][] = [
        [outsider.token, `thread:${threadId}`, 'NOT_FOUND'],
        [outsider.token, `cohort:${cohortId}`, 'NOT_FOUND'],
        [outsider.token, `thread:${randomUUID()}`, 'NOT_FOUND'],
        [gated.token, `thread:${threadId}`, 'CHARTER_NOT_ACCEPTED'],
        [vendor.token, `thread:${threadId}`, 'NOT_FOUND'],
        [scholar.token, `thread:${threadId}`, 'NOT_FOUND'],
        [admin, `thread:${threadId}`, 'NOT_FOUND'],
        [admin, `cohort:${cohortId}`, 'NOT_FOUND'],
        [member.token, 'room:everyone', 'BAD_USER_INPUT'],
        [member.token, `thread:${threadId}:x`, 'BAD_USER_INPUT'],
      ];
      for (const [token, topic, code] of cases) {
        const socket = await connect(token);
        expect({ topic, ack: await socket.subscribe(topic) }).toEqual({ topic, ack: { ok: false, code } });
      }
      const ok = await connect(member.token);
      expect(await ok.subscribe(`thread:${threadId}`)).toEqual({ ok: true });
    });
  });

  describe('delivery', () => {
    it("delivers replies to the thread's followers, rendered as GraphQL renders them, and nothing to others", async () => {
      const threadId = await thread();
      const follower = await connect(facilitator.token);
      const author = await connect(member.token);
      await follower.subscribe(`thread:${threadId}`);
      await author.subscribe(`thread:${threadId}`);
      const outsider = await connect((await newMember(t, (await newCohort(t)).id, { role: 'FACILITATOR' })).token);
      expect((await outsider.subscribe(`thread:${threadId}`)).ok).toBe(false);
      const postId = await reply(threadId, member, 'Costed per pupil');
      await eventually(
        () => follower.of(`thread:${threadId}`).length === 1 && author.of(`thread:${threadId}`).length === 1,
      );
      const [event] = follower.of(`thread:${threadId}`);
      expect(event).toMatchObject({ id: expect.any(Number), topic: `thread:${threadId}`, type: 'post.created' });
      expect(event.payload).toMatchObject({
        id: postId,
        body: 'Costed per pupil',
        author: { displayName: member.displayName, ministry: 'finance', country: 'KE' },
      });
      await settle();
      expect(outsider.events).toEqual([]);
    });

    it("hides a hidden post's body from members and keeps it for facilitators", async () => {
      const threadId = await thread();
      const postId = await reply(threadId, member, 'Something regrettable');
      const mod = await connect(facilitator.token);
      const peer = await connect((await newMember(t, cohortId)).token);
      await mod.subscribe(`thread:${threadId}`);
      await peer.subscribe(`thread:${threadId}`);
      await t.ok(HIDE, { input: { postId, reason: 'Names a person' } }, facilitator.token);
      await eventually(
        () =>
          mod.of(`thread:${threadId}`, 'post.hidden').length === 1 &&
          peer.of(`thread:${threadId}`, 'post.hidden').length === 1,
      );
      expect(mod.of(`thread:${threadId}`, 'post.hidden')[0].payload).toMatchObject({
        body: 'Something regrettable',
        hidden: true,
      });
      expect(peer.of(`thread:${threadId}`, 'post.hidden')[0].payload).toMatchObject({
        body: null,
        hidden: true,
        hiddenReason: null,
      });
    });
  });

  describe('sessions and their Q&A', () => {
    const scheduleWith = async (experts: string[]) => {
      const startsAt = t.clock.now().getTime() + 60_000;
      return (
        await t.ok<{ scheduleSession: { id: string } }>(
          SCHEDULE,
          {
            input: {
              cohortId,
              title: 'Vendor demo',
              abstract: 'a',
              startsAt: new Date(startsAt).toISOString(),
              endsAt: new Date(startsAt + HOUR).toISOString(),
              expertMembershipIds: experts,
            },
          },
          facilitator.token,
        )
      ).scheduleSession.id;
    };

    it('sends a VENDOR expert question.created without the author under CHATHAM_HOUSE, and a member with it', async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const sessionId = await scheduleWith([vendor.membershipId]);
      const vendorSocket = await connect(vendor.token);
      const memberSocket = await connect((await newMember(t, cohortId)).token);
      expect(await vendorSocket.subscribe(`session:${sessionId}`)).toEqual({ ok: true });
      expect(await memberSocket.subscribe(`session:${sessionId}`)).toEqual({ ok: true });
      await t.ok(ASK, { input: { sessionId, body: 'Does it work offline?' } }, member.token);
      const topic = `session:${sessionId}`;
      await eventually(
        () =>
          vendorSocket.of(topic, 'question.created').length === 1 &&
          memberSocket.of(topic, 'question.created').length === 1,
      );
      expect(vendorSocket.of(topic, 'question.created')[0].payload).toMatchObject({
        body: 'Does it work offline?',
        author: null,
      });
      expect(memberSocket.of(topic, 'question.created')[0].payload).toMatchObject({
        author: { displayName: member.displayName, ministry: 'finance', country: 'KE' },
      });
    });

    it('tells a vendor on the cohort topic only about its own sessions', async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const mine = await scheduleWith([vendor.membershipId]);
      const socket = await connect(vendor.token);
      expect(await socket.subscribe(`cohort:${cohortId}`)).toEqual({ ok: true });
      const other = await scheduleWith([]);
      const SET_STATE = 'mutation ($input: SetSessionStateInput!) { setSessionState(input: $input) { id } }';
      await t.ok(SET_STATE, { input: { sessionId: other, state: 'LIVE' } }, facilitator.token);
      await t.ok(SET_STATE, { input: { sessionId: mine, state: 'LIVE' } }, facilitator.token);
      await eventually(() => socket.of(`cohort:${cohortId}`, 'session.updated').length >= 1);
      await settle();
      const ids = socket.of(`cohort:${cohortId}`, 'session.updated').map((e) => (e.payload as { id: string }).id);
      expect(ids).toEqual([mine]);
    });

    it("stops a vendor's topics when its access window closes", async () => {
      const vendor = await newMember(t, cohortId, { role: 'VENDOR', ministry: 'private-sector' });
      const sessionId = await scheduleWith([vendor.membershipId]);
      const socket = await connect(vendor.token);
      expect(await socket.subscribe(`session:${sessionId}`)).toEqual({ ok: true });
      t.clock.set(new Date(t.clock.now().getTime() + 2 * HOUR));
      try {
        await eventually(() => socket.revoked.includes(`session:${sessionId}`), 3000);
        await t.ok(ASK, { input: { sessionId, body: 'After the window' } }, member.token);
        await settle();
        expect(socket.of(`session:${sessionId}`, 'question.created')).toEqual([]);
      } finally {
        t.clock.set(null);
      }
    });
  });

  describe('revocation', () => {
    it('sends revoked to a removed member and nothing after the removal returns', async () => {
      const leaving = await newMember(t, cohortId);
      const threadId = await thread();
      const socket = await connect(leaving.token);
      expect(await socket.subscribe(`thread:${threadId}`)).toEqual({ ok: true });
      await reply(threadId, member, 'Before');
      await eventually(() => socket.of(`thread:${threadId}`).length === 1);
      await t.ok(REMOVE, { input: { membershipId: leaving.membershipId } }, facilitator.token);
      for (let i = 0; i < 5; i++) await reply(threadId, member, `After ${i}`);
      await eventually(() => socket.revoked.includes(`thread:${threadId}`), 2000);
      await settle();
      expect(socket.of(`thread:${threadId}`).map((e) => (e.payload as { body: string }).body)).toEqual(['Before']);
    });

    it('gates every member again on a ratified charter until they accept it', async () => {
      const local = (await newCohort(t)).id;
      const lead = await newMember(t, local, { role: 'FACILITATOR' });
      const voters = [await newMember(t, local), await newMember(t, local)];
      const follower = await newMember(t, local);
      const socket = await connect(follower.token);
      expect(await socket.subscribe(`cohort:${local}`)).toEqual({ ok: true });
      await ratifyPolicy(t, local, lead, voters, { recording: 'ALLOWED' });
      await eventually(() => socket.revoked.includes(`cohort:${local}`), 2000);
      expect(await socket.subscribe(`cohort:${local}`)).toEqual({ ok: false, code: 'CHARTER_NOT_ACCEPTED' });
    });

    it('disconnects a socket whose token is logged out', async () => {
      const someone = await newMember(t, cohortId);
      const socket = await connect(someone.token);
      await t.ok(LOGOUT, {}, someone.token);
      await eventually(() => socket.disconnected, 4000);
    });
  });

  describe('replay', () => {
    it('replays exactly the 100 events a client missed, in order, then continues live without duplicates', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      const first = await connect(member.token);
      await first.subscribe(topic);
      await reply(threadId, facilitator, 'seen');
      await eventually(() => first.of(topic).length === 1);
      const lastSeen = first.of(topic)[0].id;
      first.close();
      const missed: string[] = [];
      for (let i = 0; i < 100; i++) missed.push(await reply(threadId, facilitator, `missed ${i}`));
      const again = await connect(member.token);
      expect(await again.subscribe(topic, lastSeen)).toEqual({ ok: true });
      const live = await reply(threadId, facilitator, 'live');
      await eventually(() => again.of(topic).length >= 101, 10_000);
      await settle();
      const received = again.of(topic);
      expect(received.map((e) => (e.payload as { id: string }).id)).toEqual([...missed, live]);
      const ids = received.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids[0]).toBe(lastSeen + 1);
    });

    it('tells a client asking for pruned history to resync instead of leaving a silent gap', async () => {
      const threadId = await thread();
      const topic = `thread:${threadId}`;
      await reply(threadId, facilitator, 'old');
      await t.app.get(OutboxDispatcher).flush();
      await t.dataSource.query("UPDATE realtime_events SET created_at = now() - interval '30 days' WHERE topic = $1", [
        topic,
      ]);
      expect(await t.app.get(EventPruner).prune()).toBeGreaterThan(0);
      const socket = await connect(member.token);
      expect(await socket.subscribe(topic, 0)).toEqual({ ok: true, resync: true });
      expect(socket.resyncs).toEqual([topic]);
    });
  });

  describe('payloads per view', () => {
    it('renders an event once for readers with the same view, not once per socket', async () => {
      const threadId = await thread();
      const readers: TestSocket[] = [];
      for (let i = 0; i < 6; i++) {
        const socket = await connect((await newMember(t, cohortId, { ministry: 'health', country: 'UG' })).token);
        expect(await socket.subscribe(`thread:${threadId}`)).toEqual({ ok: true });
        readers.push(socket);
      }
      const render = jest.spyOn(EventRenderer.prototype, 'render');
      try {
        await reply(threadId, member, 'One rendering for six readers');
        await eventually(() => readers.every((socket) => socket.of(`thread:${threadId}`).length === 1));
        expect(render.mock.calls.length).toBeLessThan(readers.length);
        const payloads = readers.map((socket) => socket.of(`thread:${threadId}`)[0].payload);
        expect(new Set(payloads.map((payload) => JSON.stringify(payload))).size).toBe(1);
      } finally {
        render.mockRestore();
      }
    });
  });

  describe('limits', () => {
    it('caps subscriptions per socket and rate-limits client events', async () => {
      const socket = await connect(member.token);
      const acks = [];
      for (let i = 0; i < 25; i++) acks.push(await socket.subscribe(`thread:${randomUUID()}`));
      expect(acks.map((ack) => ack.code)).toContain('RATE_LIMITED');
    });
  });
});
