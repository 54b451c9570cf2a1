import { randomUUID } from 'node:crypto';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { InvitationEntity } from '../src/cohorts/invitation.entity.js';
import { NeedEntity } from '../src/needs/need.entity.js';
import { QuestionEntity } from '../src/sessions/question.entity.js';
import { RsvpStatus, SessionEntity, SessionRsvpEntity } from '../src/sessions/session.entity.js';
import { ratifyPolicy } from './harness/charter.js';
import { adminToken, newCohort, newMember, newUser, type Role, type TestMember } from './harness/factories.js';
import { type GqlResponse, startTestApp, type TestApp } from './harness/test-app.js';

/**
 * Security review of expert sessions: sessions, questions, RSVPs, experts and their grants,
 * access windows, and the calendar feed. Every test asserts the SAFE outcome: a failing test is a
 * hole (see the report handed back with this file).
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;

const AUTHOR = 'author { displayName ministry country }';
const QUESTION_FIELDS = `id sessionId body votes votedByMe answered hidden hiddenReason ${AUTHOR}`;
const EXPERT_FIELDS = `id role status ministry country accessExpiresAt grantedSessionIds grantedSpaceIds
  user { id displayName email }
  cohort { id members(first: 100) { edges { node { id role user { displayName } } } } }`;
const SESSION_FIELDS = `id cohortId title abstract state capacity goingCount recordingAllowed recordingUrl
  followUpThreadId outcomeSummary keyTakeaways myRsvp experts { ${EXPERT_FIELDS} }
  questions(first: 100) { edges { node { ${QUESTION_FIELDS} } } }`;

const SCHEDULE = 'mutation ($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }';
const UPDATE = 'mutation ($input: UpdateSessionInput!) { updateSession(input: $input) { id } }';
const SESSION = `query ($id: ID!) { session(id: $id) { ${SESSION_FIELDS} } }`;
const SESSIONS = `query ($cohortId: ID!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  sessions(cohortId: $cohortId, from: $from, to: $to, first: $first, after: $after) {
    edges { cursor node { id title } } } }`;
const RSVP = 'mutation ($input: RsvpInput!) { rsvp(input: $input) { id status goingCount } }';
const ASK = `mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { ${QUESTION_FIELDS} } }`;
const UPVOTE = `mutation ($input: UpvoteQuestionInput!) { upvoteQuestion(input: $input) { ${QUESTION_FIELDS} } }`;
const HIDE = `mutation ($input: HideQuestionInput!) { hideQuestion(input: $input) { ${QUESTION_FIELDS} } }`;
const MARK = `mutation ($input: MarkQuestionAnsweredInput!) { markQuestionAnswered(input: $input) { ${QUESTION_FIELDS} } }`;
const SET_STATE = 'mutation ($input: SetSessionStateInput!) { setSessionState(input: $input) { id state } }';
const SET_RECORDING = 'mutation ($input: SetRecordingInput!) { setRecording(input: $input) { id recordingUrl } }';
const OUTCOME = 'mutation ($input: RecordSessionOutcomeInput!) { recordSessionOutcome(input: $input) { id } }';
const LINK_NEED = 'mutation ($input: LinkNeedToSessionInput!) { linkNeedToSession(input: $input) { id status } }';
const CREATE_FEED = 'mutation ($cohortId: ID!) { createCalendarFeed(cohortId: $cohortId) { url } }';
const INVITE = 'mutation ($input: InviteInput!) { invite(input: $input) { id token } }';
const CHANGE_ROLE = 'mutation ($input: ChangeRoleInput!) { changeRole(input: $input) { id role } }';
const REMOVE = 'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { id status } }';
const CREATE_SPACE = 'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }';
const START = 'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }';
const SUBMIT_NEED = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { id } }';

const codes = (res: GqlResponse) => res.errors?.map((e) => e.extensions?.code);
const strip = (res: GqlResponse) => ({
  status: res.status,
  data: res.data,
  errors: res.errors?.map((e) => ({ message: e.message, extensions: e.extensions })),
});

/** No error may carry a stack, SQL or internal names, and bad input is never a 500. */
function expectNoInternals(res: GqlResponse) {
  const text = JSON.stringify(res.errors ?? []);
  expect(text).not.toMatch(/stack|QueryFailed|typeorm|postgres|SELECT |INSERT |\bat \/|\.ts:\d/i);
  expect(codes(res) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
  expect(res.status).toBeLessThan(500);
}

interface SessionData {
  session: {
    id: string;
    title: string;
    recordingUrl: string | null;
    followUpThreadId: string | null;
    outcomeSummary: string | null;
    keyTakeaways: string[];
    experts: { id: string; role: string; user: { displayName: string } }[];
    questions: { edges: { node: { id: string; author: unknown } }[] };
  };
}

describe('attack: expert sessions', () => {
  let t: TestApp;
  let admin: string;
  // Cohort A and its people.
  let A: string;
  let FA: TestMember;
  let MA: TestMember;
  let MA2: TestMember;
  let S: TestMember;
  let V: TestMember;
  let V2: TestMember;
  let O: TestMember;
  // Cohort B.
  let B: string;
  let FB: TestMember;
  let MB: TestMember;
  // A's objects.
  let granted: string; // V and S speak here
  let membersOnly: string;
  let qMember: string; // asked by MA in `granted`
  let qFacilitator: string; // asked by FA in `granted`
  let qHidden: string; // hidden, in `granted`
  let qMembersOnly: string; // asked by MA in `membersOnly`
  let spaceA: string;
  let threadA: string;
  let needA: string;
  // B's objects.
  let sessionB: string;
  let needB: string;
  let threadB: string;
  let scholarB: TestMember;

  const names: Record<string, string> = {};
  async function person(cohortId: string, role: Role, name: string, options: Parameters<typeof newMember>[2] = {}) {
    const user = await newUser(t, { displayName: name });
    const member = await newMember(t, cohortId, { role, ...options, user });
    names[name] = role;
    return member;
  }

  async function schedule(cohortId: string, lead: TestMember, input: Record<string, unknown> = {}): Promise<string> {
    const res = await scheduleRaw(cohortId, lead, input);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return (res.data as { scheduleSession: { id: string } }).scheduleSession.id;
  }

  function scheduleRaw(cohortId: string, lead: TestMember, input: Record<string, unknown> = {}) {
    const startsAt = t.clock.now().getTime() + 24 * HOUR;
    return t.gql(
      SCHEDULE,
      {
        input: {
          cohortId,
          title: 'A session',
          abstract: 'About it',
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(startsAt + HOUR).toISOString(),
          ...input,
        },
      },
      lead.token,
    );
  }

  const ask = async (sessionId: string, who: TestMember, body: string) =>
    (await t.ok<{ askQuestion: { id: string } }>(ASK, { input: { sessionId, body } }, who.token)).askQuestion.id;

  const feedUrl = async (who: TestMember, cohortId = A) =>
    (await t.ok<{ createCalendarFeed: { url: string } }>(CREATE_FEED, { cohortId }, who.token)).createCalendarFeed.url;

  const memberRow = (id: string) => t.dataSource.getRepository(MembershipEntity).findOneByOrFail({ id });

  /** Every way to touch a session or a question by id. */
  const sessionProbes = (sessionId: string): [string, string, Record<string, unknown>][] => [
    ['session', SESSION, { id: sessionId }],
    ['rsvp', RSVP, { input: { sessionId, status: 'GOING' } }],
    ['askQuestion', ASK, { input: { sessionId, body: 'probe' } }],
    ['setSessionState', SET_STATE, { input: { sessionId, state: 'LIVE' } }],
    ['setRecording', SET_RECORDING, { input: { sessionId, url: 'https://example.com/r' } }],
    ['recordSessionOutcome', OUTCOME, { input: { sessionId, summary: 'probe' } }],
    ['updateSession', UPDATE, { input: { sessionId, title: 'probe' } }],
  ];
  const questionProbes = (questionId: string): [string, string, Record<string, unknown>][] => [
    ['upvoteQuestion', UPVOTE, { input: { questionId } }],
    ['markQuestionAnswered', MARK, { input: { questionId } }],
    ['hideQuestion', HIDE, { input: { questionId, reason: 'probe' } }],
  ];

  /** The existing object answers exactly as a random id does: NOT_FOUND, same message. */
  async function expectIndistinguishable(
    token: string,
    probes: (id: string) => [string, string, object][],
    id: string,
  ) {
    const existing = probes(id);
    const missing = probes(randomUUID());
    for (let i = 0; i < existing.length; i++) {
      const [label, doc, vars] = existing[i];
      const a = await t.gql(doc, vars as Record<string, unknown>, token);
      const b = await t.gql(missing[i][1], missing[i][2] as Record<string, unknown>, token);
      expectNoInternals(a);
      expect({ label, codes: codes(a) }).toEqual({ label, codes: ['NOT_FOUND'] });
      expect({ label, answer: strip(a) }).toEqual({ label, answer: strip(b) });
    }
  }

  async function snapshot() {
    const count = async (sql: string) =>
      (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n ${sql}`))[0].n;
    return {
      sessions: await count('FROM sessions'),
      questions: await count('FROM session_questions'),
      votes: await count('FROM question_votes'),
      rsvps: await count('FROM session_rsvps'),
      feeds: await count('FROM calendar_feeds'),
      answered: await count('FROM session_questions WHERE answered_at IS NOT NULL'),
      hidden: await count('FROM session_questions WHERE hidden_at IS NOT NULL'),
      going: (
        await t.dataSource.query<{ n: number }[]>('SELECT coalesce(sum(going_count), 0)::int AS n FROM sessions')
      )[0].n,
      sessionRows: await t.dataSource.query<unknown[]>(
        'SELECT id, title, state, recording_url, outcome_summary, expert_membership_ids FROM sessions ORDER BY id',
      ),
      grants: await t.dataSource.query<unknown[]>('SELECT id, granted_session_ids FROM memberships ORDER BY id'),
      needs: await t.dataSource.query<unknown[]>('SELECT id, status, linked_session_id FROM needs ORDER BY id'),
    };
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminToken(t);
    A = (await newCohort(t, 'Cohort A')).id;
    B = (await newCohort(t, 'Cohort B')).id;
    FA = await person(A, 'FACILITATOR', 'Amina Facilitator', { ministry: 'planning', country: 'RW' });
    MA = await person(A, 'MEMBER', 'Kwame Official', { ministry: 'finance', country: 'GH' });
    MA2 = await person(A, 'MEMBER', 'Zanele Minister', { ministry: 'education', country: 'ZA' });
    S = await person(A, 'SCHOLAR', 'Priya Scholar', { ministry: 'academia', country: 'IN' });
    V = await person(A, 'VENDOR', 'Victor Vendor', { ministry: 'private-sector', country: 'US' });
    V2 = await person(A, 'VENDOR', 'Vera Othervendor', { ministry: 'private-sector', country: 'FR' });
    O = await person(A, 'OBSERVER', 'Olu Observer', { ministry: 'other', country: 'NG' });
    FB = await person(B, 'FACILITATOR', 'Bola Facilitator');
    MB = await person(B, 'MEMBER', 'Bongani Member');
    scholarB = await person(B, 'SCHOLAR', 'Bert Scholar', { ministry: 'academia' });

    spaceA = (
      await t.ok<{ createSpace: { id: string } }>(
        CREATE_SPACE,
        { input: { cohortId: A, title: 'Finance', purpose: 'Budgets' } },
        FA.token,
      )
    ).createSpace.id;
    threadA = (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId: spaceA, title: 'Follow-up', body: 'Continue here', kind: 'QUESTION' } },
        FA.token,
      )
    ).startThread.id;
    needA = (
      await t.ok<{ submitNeed: { id: string } }>(
        SUBMIT_NEED,
        { input: { cohortId: A, title: 'Need A', description: 'x', theme: 'budgets' } },
        MA.token,
      )
    ).submitNeed.id;
    const spaceB = (
      await t.ok<{ createSpace: { id: string } }>(
        CREATE_SPACE,
        { input: { cohortId: B, title: 'B space', purpose: 'b' } },
        FB.token,
      )
    ).createSpace.id;
    threadB = (
      await t.ok<{ startThread: { id: string } }>(
        START,
        { input: { spaceId: spaceB, title: 'B thread', body: 'b', kind: 'QUESTION' } },
        FB.token,
      )
    ).startThread.id;
    needB = (
      await t.ok<{ submitNeed: { id: string } }>(
        SUBMIT_NEED,
        { input: { cohortId: B, title: 'Need B', description: 'x', theme: 'b' } },
        MB.token,
      )
    ).submitNeed.id;

    granted = await schedule(A, FA, {
      title: 'Vendor demo zqgranted',
      expertMembershipIds: [V.membershipId, S.membershipId],
      followUpThreadId: threadA,
    });
    membersOnly = await schedule(A, FA, { title: 'Members only zqsecret', abstract: 'Budget shortfalls zqsecret' });
    qMember = await ask(granted, MA, 'How much did it cost?');
    qFacilitator = await ask(granted, FA, 'Who maintains it?');
    qHidden = await ask(granted, MA, 'Off-topic zqhidden');
    await t.ok(HIDE, { input: { questionId: qHidden, reason: 'off topic' } }, FA.token);
    qMembersOnly = await ask(membersOnly, MA, 'Our deficit zqsecret');
    sessionB = await schedule(B, FB, { title: 'B session zqbsecret' });
  });
  afterAll(async () => {
    t.clock.set(null);
    await t.close();
  });
  afterEach(() => t.clock.set(null));

  describe('as a VENDOR granted one session', () => {
    it('gets NOT_FOUND, identical to a missing id, for an ungranted session on every path', async () => {
      await expectIndistinguishable(V.token, sessionProbes, membersOnly);
      await expectIndistinguishable(V.token, sessionProbes, sessionB);
    });

    it("gets NOT_FOUND, identical to a missing id, for other sessions' questions and hidden ones", async () => {
      await expectIndistinguishable(V.token, questionProbes, qMembersOnly);
      await expectIndistinguishable(V.token, questionProbes, qHidden);
    });

    it('lists only its granted session, whatever the window or page', async () => {
      for (const vars of [
        { cohortId: A },
        { cohortId: A, from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', first: 100 },
        { cohortId: A, first: 1 },
      ]) {
        const res = await t.ok<{ sessions: { edges: { node: { id: string } }[] } }>(SESSIONS, vars, V.token);
        expect(res.sessions.edges.map((e) => e.node.id)).toEqual([granted]);
      }
      const b = await t.gql(SESSIONS, { cohortId: B }, V.token);
      expect(codes(b)).toEqual(['NOT_FOUND']);
    });

    it('learns no member name from its session under CHATHAM_HOUSE: authors, experts, their cohort and user', async () => {
      const res = await t.ok<SessionData>(SESSION, { id: granted }, V.token);
      const text = JSON.stringify(res);
      for (const [name, role] of Object.entries(names)) {
        if (['FACILITATOR', 'MEMBER', 'OBSERVER'].includes(role))
          expect({ name, seen: text.includes(name) }).toEqual({ name, seen: false });
      }
      expect(res.session.questions.edges.map((e) => e.node.author)).toEqual([null, null]);
      expect(res.session.questions.edges.map((e) => e.node.id).sort()).toEqual([qMember, qFacilitator].sort());
      expect(text).not.toContain('zqhidden');
      expect(text).not.toContain('@test.convene');
      // Through the experts' cohort, the member list still holds only the vendor itself.
      const experts = res.session.experts as unknown as {
        cohort: { members: { edges: { node: { id: string } }[] } };
        grantedSessionIds: string[];
        accessExpiresAt: unknown;
      }[];
      for (const expert of experts) {
        expect(expert.cohort.members.edges.map((e) => e.node.id)).toEqual([V.membershipId]);
        expect(expert.grantedSessionIds).toEqual([]);
        expect(expert.accessExpiresAt).toBeNull();
      }
      expect(res.session.outcomeSummary).toBeNull();
    });

    it('does not see a speaker who has since become a MEMBER (no official named to a vendor)', async () => {
      const speaker = await person(A, 'SCHOLAR', 'Samuel Laterofficial', { ministry: 'ict', country: 'KE' });
      const vendor = await person(A, 'VENDOR', 'Vince Panelvendor', { ministry: 'private-sector' });
      const panel = await schedule(A, FA, {
        title: 'Panel',
        expertMembershipIds: [vendor.membershipId, speaker.membershipId],
      });
      await t.ok(CHANGE_ROLE, { input: { membershipId: speaker.membershipId, role: 'MEMBER' } }, FA.token);
      const res = await t.ok<SessionData>(SESSION, { id: panel }, vendor.token);
      expect(JSON.stringify(res)).not.toContain('Samuel Laterofficial');
    });

    it('cannot ask, upvote, hide, change state, record, or write an outcome on its own session, and writes nothing', async () => {
      const before = await snapshot();
      const attempts: [string, Record<string, unknown>, string][] = [
        [ASK, { input: { sessionId: granted, body: 'vendor pitch' } }, 'FORBIDDEN'],
        [UPVOTE, { input: { questionId: qMember } }, 'FORBIDDEN'],
        [HIDE, { input: { questionId: qMember, reason: 'x' } }, 'FORBIDDEN'],
        [SET_STATE, { input: { sessionId: granted, state: 'CANCELLED' } }, 'FORBIDDEN'],
        [SET_RECORDING, { input: { sessionId: granted, url: 'https://example.com/x' } }, 'FORBIDDEN'],
        [OUTCOME, { input: { sessionId: granted, summary: 'x' } }, 'FORBIDDEN'],
        [
          UPDATE,
          { input: { sessionId: granted, expertMembershipIds: [V.membershipId, V2.membershipId] } },
          'FORBIDDEN',
        ],
        [LINK_NEED, { input: { needId: needA, sessionId: granted } }, 'NOT_FOUND'],
        [CREATE_SPACE, { input: { cohortId: A, title: 'x', purpose: 'x' } }, 'FORBIDDEN'],
      ];
      for (const [doc, vars, code] of attempts) {
        const res = await t.gql(doc, vars, V.token);
        expectNoInternals(res);
        expect({ doc, codes: codes(res) }).toEqual({ doc, codes: [code] });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('as a speaker marks answered in its own session only, and its answer names no one', async () => {
      const res = await t.ok<{ markQuestionAnswered: { answered: boolean; author: unknown } }>(
        MARK,
        { input: { questionId: qMember } },
        V.token,
      );
      expect(res.markQuestionAnswered).toMatchObject({ answered: true, author: null });
      await t.ok(MARK, { input: { questionId: qMember, answered: false } }, FA.token);
      // V2 may read the session but does not speak in it.
      await t.dataSource.query('UPDATE memberships SET granted_session_ids = $1 WHERE id = $2', [
        [granted],
        V2.membershipId,
      ]);
      expect(codes(await t.gql(MARK, { input: { questionId: qMember } }, V2.token))).toEqual(['FORBIDDEN']);
      await t.dataSource.query("UPDATE memberships SET granted_session_ids = '{}' WHERE id = $1", [V2.membershipId]);
    });

    it("gets a calendar feed of its granted session only, without members' sessions", async () => {
      const url = await feedUrl(V);
      const res = await t.http().get(url);
      expect(res.status).toBe(200);
      expect(res.text).toContain('zqgranted');
      expect(res.text).not.toContain('zqsecret');
      expect(res.text).not.toContain('zqbsecret');
    });

    it('is an outsider on every path, calendar feed included, the moment its window closes', async () => {
      const vendor = await person(A, 'VENDOR', 'Walter Windowvendor', { ministry: 'private-sector' });
      const soon = t.clock.now().getTime() + MINUTE;
      const demo = await schedule(A, FA, {
        title: 'Short demo zqshort',
        expertMembershipIds: [vendor.membershipId],
        startsAt: new Date(soon).toISOString(),
        endsAt: new Date(soon + HOUR).toISOString(),
      });
      const q = await ask(demo, MA, 'Short question');
      const url = await feedUrl(vendor);
      expect((await t.http().get(url)).status).toBe(200);
      const endsAt = (await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id: demo })).endsAt;
      t.clock.set(new Date(endsAt.getTime() + 1000));
      await expectIndistinguishable(vendor.token, sessionProbes, demo);
      await expectIndistinguishable(vendor.token, questionProbes, q);
      expect(codes(await t.gql(SESSIONS, { cohortId: A }, vendor.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(CREATE_FEED, { cohortId: A }, vendor.token))).toEqual(['NOT_FOUND']);
      expect((await t.http().get(url)).status).toBe(404);
    });

    it('is not let back in after its window closed by being named a speaker again (only an invitation reopens it)', async () => {
      const vendor = await person(A, 'VENDOR', 'Wanda Reopenvendor', { ministry: 'private-sector' });
      const soon = t.clock.now().getTime() + MINUTE;
      const first = await schedule(A, FA, {
        title: 'First demo',
        expertMembershipIds: [vendor.membershipId],
        startsAt: new Date(soon).toISOString(),
        endsAt: new Date(soon + HOUR).toISOString(),
      });
      t.clock.set(new Date(soon + HOUR + 1000));
      expect(codes(await t.gql(SESSION, { id: first }, vendor.token))).toEqual(['NOT_FOUND']);
      const res = await scheduleRaw(A, FA, { title: 'Second demo', expertMembershipIds: [vendor.membershipId] });
      // The leak: the closed window opens again and the old session (and its Q&A) is readable.
      expect(codes(await t.gql(SESSION, { id: first }, vendor.token))).toEqual(['NOT_FOUND']);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expertMembershipIds' });
    });

    it('cannot be named a speaker once its accessExpiresAt has passed (only active memberships speak)', async () => {
      const vendor = await person(A, 'VENDOR', 'Xavier Expiredvendor', {
        ministry: 'private-sector',
        accessExpiresAt: new Date(Date.now() - MINUTE),
      });
      const before = await snapshot();
      const res = await scheduleRaw(A, FA, {
        title: 'With an expired vendor',
        expertMembershipIds: [vendor.membershipId],
      });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expertMembershipIds' });
      expect(await snapshot()).toEqual(before);
    });

    it('is gated before accepting the charter, and reads only its own session once it has', async () => {
      // The contract's gate answers CHARTER_NOT_ACCEPTED for every read of content by a member
      // who has not accepted, before the rules; ids it already holds are of its own cohort.
      const vendor = await person(A, 'VENDOR', 'Norma Unacceptedvendor', {
        ministry: 'private-sector',
        charterAccepted: false,
      });
      await t.dataSource.query('UPDATE memberships SET granted_session_ids = $1 WHERE id = $2', [
        [granted],
        vendor.membershipId,
      ]);
      expect(codes(await t.gql(SESSION, { id: granted }, vendor.token))).toEqual(['CHARTER_NOT_ACCEPTED']);
      await t.ok(
        'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id } }',
        { input: { cohortId: A, version: 1 } },
        vendor.token,
      );
      expect((await t.gql(SESSION, { id: granted }, vendor.token)).errors).toBeUndefined();
      const existing = await t.gql(SESSION, { id: membersOnly }, vendor.token);
      const missing = await t.gql(SESSION, { id: randomUUID() }, vendor.token);
      expect(strip(existing)).toEqual(strip(missing));
    });
  });

  describe('vendorAccess NONE', () => {
    it('a vendor with a granted session reads nothing on any path, calendar included', async () => {
      const C = (await newCohort(t, 'Cohort NONE')).id;
      const lead = await newMember(t, C, { role: 'FACILITATOR' });
      const voter = await newMember(t, C, { role: 'MEMBER' });
      const vendor = await newMember(t, C, { role: 'VENDOR', ministry: 'private-sector' });
      const demo = await schedule(C, lead, { title: 'Demo zqnone', expertMembershipIds: [vendor.membershipId] });
      const q = await ask(demo, voter, 'A question');
      const url = await feedUrl(vendor, C);
      await ratifyPolicy(t, C, lead, [voter], { vendorAccess: 'NONE' }, [vendor]);
      await expectIndistinguishable(vendor.token, sessionProbes, demo);
      await expectIndistinguishable(vendor.token, questionProbes, q);
      const list = await t.gql<{ sessions: { edges: unknown[] } }>(SESSIONS, { cohortId: C }, vendor.token);
      if (list.errors) expect(codes(list)).toEqual(['NOT_FOUND']);
      else expect(list.data!.sessions.edges).toEqual([]);
      const feed = await t.http().get(url);
      expect(feed.text ?? '').not.toContain('zqnone');
    });
  });

  describe('as an OBSERVER', () => {
    it('under the default charter gets NOT_FOUND for sessions and questions, an empty list and an empty feed', async () => {
      await expectIndistinguishable(O.token, sessionProbes, granted);
      await expectIndistinguishable(O.token, questionProbes, qMember);
      const list = await t.ok<{ sessions: { edges: unknown[] } }>(SESSIONS, { cohortId: A }, O.token);
      expect(list.sessions.edges).toEqual([]);
      const feed = await t.http().get(await feedUrl(O));
      expect(feed.text).not.toContain('zqgranted');
      expect(feed.text).not.toContain('zqsecret');
    });

    it('once observers are allowed reads sessions without authors, and still asks and upvotes nothing', async () => {
      const C = (await newCohort(t, 'Cohort observers')).id;
      const lead = await newMember(t, C, { role: 'FACILITATOR' });
      const voter = await person(C, 'MEMBER', 'Ngozi Quietofficial');
      const observer = await newMember(t, C, { role: 'OBSERVER' });
      const talk = await schedule(C, lead, { title: 'Observed' });
      const q = await ask(talk, voter, 'A member question');
      await ratifyPolicy(t, C, lead, [voter], { observers: 'ALLOWED' }, [observer]);
      const read = await t.ok<SessionData>(SESSION, { id: talk }, observer.token);
      expect(read.session.questions.edges.map((e) => e.node.author)).toEqual([null]);
      expect(JSON.stringify(read)).not.toContain('Ngozi Quietofficial');
      const before = await snapshot();
      for (const [doc, vars] of [
        [ASK, { input: { sessionId: talk, body: 'x' } }],
        [UPVOTE, { input: { questionId: q } }],
        [MARK, { input: { questionId: q } }],
        [HIDE, { input: { questionId: q, reason: 'x' } }],
        [SET_STATE, { input: { sessionId: talk, state: 'LIVE' } }],
      ] as const) {
        const res = await t.gql(doc, vars, observer.token);
        expect({ doc, codes: codes(res) }).toEqual({ doc, codes: ['FORBIDDEN'] });
      }
      expect(await snapshot()).toEqual(before);
      // Back to FORBIDDEN: out of sight at once.
      await ratifyPolicy(t, C, lead, [voter], { observers: 'FORBIDDEN' }, [observer]);
      await expectIndistinguishable(observer.token, sessionProbes, talk);
    });
  });

  describe('as a member or facilitator of another cohort', () => {
    it("gets NOT_FOUND, identical to a missing id, for A's sessions and questions", async () => {
      for (const who of [FB, MB]) {
        await expectIndistinguishable(who.token, sessionProbes, granted);
        await expectIndistinguishable(who.token, questionProbes, qMember);
      }
      expect(codes(await t.gql(SESSIONS, { cohortId: A }, FB.token))).toEqual(['NOT_FOUND']);
      expect(codes(await t.gql(CREATE_FEED, { cohortId: A }, FB.token))).toEqual(['NOT_FOUND']);
      expect(codes(await scheduleRaw(A, FB))).toEqual(['NOT_FOUND']);
    });

    it("cannot smuggle A's ids into B's inputs, and learns nothing from the answers", async () => {
      const before = await snapshot();
      const pairs: [string, Record<string, unknown>, Record<string, unknown>][] = [
        ['expertMembershipIds', { expertMembershipIds: [S.membershipId] }, { expertMembershipIds: [randomUUID()] }],
        [
          'expertMembershipIds (mixed)',
          { expertMembershipIds: [scholarB.membershipId, V.membershipId] },
          { expertMembershipIds: [scholarB.membershipId, randomUUID()] },
        ],
        ['needIds', { needIds: [needA] }, { needIds: [randomUUID()] }],
        ['followUpThreadId', { followUpThreadId: threadA }, { followUpThreadId: randomUUID() }],
      ];
      for (const [label, foreign, missing] of pairs) {
        const a = await scheduleRaw(B, FB, foreign);
        const b = await scheduleRaw(B, FB, missing);
        expectNoInternals(a);
        expect({ label, code: codes(a) }).toEqual({ label, code: ['BAD_USER_INPUT'] });
        expect({ label, answer: strip(a) }).toEqual({ label, answer: strip(b) });
      }
      const updateA = await t.gql(
        UPDATE,
        { input: { sessionId: sessionB, expertMembershipIds: [V.membershipId] } },
        FB.token,
      );
      const updateMissing = await t.gql(
        UPDATE,
        { input: { sessionId: sessionB, expertMembershipIds: [randomUUID()] } },
        FB.token,
      );
      expect(strip(updateA)).toEqual(strip(updateMissing));
      for (const input of [
        { needId: needB, sessionId: granted },
        { needId: needA, sessionId: sessionB },
      ]) {
        const a = await t.gql(LINK_NEED, { input }, FB.token);
        expect(codes(a)).toEqual(['NOT_FOUND']);
      }
      const linkForeign = await t.gql(LINK_NEED, { input: { needId: needB, sessionId: granted } }, FB.token);
      const linkMissing = await t.gql(LINK_NEED, { input: { needId: needB, sessionId: randomUUID() } }, FB.token);
      expect(strip(linkForeign)).toEqual(strip(linkMissing));
      const invite = (sessionIds: string[]) =>
        t.gql(
          INVITE,
          {
            input: {
              cohortId: B,
              email: `smuggle-${randomUUID()}@example.com`,
              role: 'VENDOR',
              ministry: 'private-sector',
              country: 'KE',
              sessionIds,
            },
          },
          FB.token,
        );
      const inviteForeign = await invite([sessionB, granted]);
      const inviteMissing = await invite([sessionB, randomUUID()]);
      expect(inviteForeign.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessionIds' });
      expect(strip(inviteForeign)).toEqual(strip(inviteMissing));
      expect(await snapshot()).toEqual(before);
      expect(await t.dataSource.getRepository(InvitationEntity).countBy({ cohortId: B })).toBe(0);
    });
  });

  describe('as the platform ADMIN (not a member)', () => {
    it('gets NOT_FOUND, identical to a missing id, for sessions and questions, and writes nothing', async () => {
      const before = await snapshot();
      const token = admin;
      for (const [probes, id] of [
        [sessionProbes, granted],
        [questionProbes, qMember],
      ] as const) {
        const existing = probes(id);
        const missing = probes(randomUUID());
        for (let i = 0; i < existing.length; i++) {
          const a = await t.gql(existing[i][1], existing[i][2], token);
          const b = await t.gql(missing[i][1], missing[i][2], token);
          expect({ op: existing[i][0], codes: codes(a) }).toEqual({ op: existing[i][0], codes: ['NOT_FOUND'] });
          expect(strip(a)).toEqual(strip(b));
        }
      }
      const list = await t.gql<{ sessions: { edges: unknown[] } }>(SESSIONS, { cohortId: A }, token);
      if (list.errors) expect(codes(list)).toEqual(['NOT_FOUND']);
      else expect(list.data!.sessions.edges).toEqual([]);
      expect(JSON.stringify(list)).not.toContain('zq');
      // No calendar of a cohort it does not belong to (FORBIDDEN is what calendar.e2e-spec pins).
      expect(['NOT_FOUND', 'FORBIDDEN']).toContain(codes(await t.gql(CREATE_FEED, { cohortId: A }, token))?.[0]);
      expect(codes(await t.gql(LINK_NEED, { input: { needId: needA, sessionId: granted } }, token))).toEqual([
        'NOT_FOUND',
      ]);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('members out of force or behind the charter', () => {
    it('a member who has not accepted the charter gets CHARTER_NOT_ACCEPTED everywhere and writes nothing', async () => {
      const late = await person(A, 'MEMBER', 'Lerato Latecomer', { charterAccepted: false });
      const before = await snapshot();
      for (const [label, doc, vars] of [...sessionProbes(granted), ...questionProbes(qMember)]) {
        const res = await t.gql(doc, vars, late.token);
        expectNoInternals(res);
        expect({ label, codes: codes(res) }).toEqual({ label, codes: ['CHARTER_NOT_ACCEPTED'] });
      }
      expect(codes(await t.gql(SESSIONS, { cohortId: A }, late.token))).toEqual(['CHARTER_NOT_ACCEPTED']);
      expect(codes(await t.gql(CREATE_FEED, { cohortId: A }, late.token))).toEqual(['CHARTER_NOT_ACCEPTED']);
      expect(await snapshot()).toEqual(before);
    });

    it('removed and expired members get NOT_FOUND, identical to a missing id, everywhere', async () => {
      const removed = await person(A, 'MEMBER', 'Rashid Removed', { status: 'REMOVED' });
      const expired = await person(A, 'MEMBER', 'Esi Expired', { accessExpiresAt: new Date(Date.now() - MINUTE) });
      for (const who of [removed, expired]) {
        await expectIndistinguishable(who.token, sessionProbes, granted);
        await expectIndistinguishable(who.token, questionProbes, qMember);
        expect(codes(await t.gql(SESSIONS, { cohortId: A }, who.token))).toEqual(['NOT_FOUND']);
        expect(codes(await t.gql(CREATE_FEED, { cohortId: A }, who.token))).toEqual(['NOT_FOUND']);
      }
    });

    it('a calendar feed URL dies when its member is removed, and when its access expires', async () => {
      const leaving = await person(A, 'MEMBER', 'Lulu Leaving');
      const leavingUrl = await feedUrl(leaving);
      const expiring = await person(A, 'MEMBER', 'Ezra Expiring', {
        accessExpiresAt: new Date(t.clock.now().getTime() + 10 * MINUTE),
      });
      const expiringUrl = await feedUrl(expiring);
      expect((await t.http().get(leavingUrl)).status).toBe(200);
      expect((await t.http().get(expiringUrl)).status).toBe(200);
      await t.ok(REMOVE, { input: { membershipId: leaving.membershipId } }, FA.token);
      const gone = await t.http().get(leavingUrl);
      expect(gone.status).toBe(404);
      expect(gone.text).not.toContain('zq');
      t.clock.set(new Date(t.clock.now().getTime() + 11 * MINUTE));
      const expiredFeed = await t.http().get(expiringUrl);
      expect(expiredFeed.status).toBe(404);
      expect(expiredFeed.text).not.toContain('zq');
    });
  });

  describe('races', () => {
    it('concurrent GOING answers never take more seats than the capacity', async () => {
      const id = await schedule(A, FA, { capacity: 3 });
      const people = await Promise.all(Array.from({ length: 8 }, () => newMember(t, A)));
      const results = await Promise.all(
        people.map((who) => t.gql(RSVP, { input: { sessionId: id, status: 'GOING' } }, who.token)),
      );
      results.forEach(expectNoInternals);
      expect(results.filter((r) => !r.errors).length).toBe(3);
      expect(results.filter((r) => r.errors).map((r) => r.errors?.[0].extensions?.reason)).toEqual(
        Array(5).fill('SESSION_FULL'),
      );
      const row = await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id });
      const going = await t.dataSource
        .getRepository(SessionRsvpEntity)
        .countBy({ sessionId: id, status: RsvpStatus.GOING });
      expect([row.goingCount, going]).toEqual([3, 3]);
    });

    it('a capacity cut racing RSVPs keeps seats within the capacity and the count true', async () => {
      const id = await schedule(A, FA, { capacity: 10 });
      const people = await Promise.all(Array.from({ length: 6 }, () => newMember(t, A)));
      const results = await Promise.all([
        ...people.map((who) => t.gql(RSVP, { input: { sessionId: id, status: 'GOING' } }, who.token)),
        t.gql(UPDATE, { input: { sessionId: id, capacity: 2 } }, FA.token),
      ]);
      results.forEach(expectNoInternals);
      const row = await t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id });
      const going = await t.dataSource
        .getRepository(SessionRsvpEntity)
        .countBy({ sessionId: id, status: RsvpStatus.GOING });
      expect(row.goingCount).toBe(going);
      expect(row.goingCount).toBeLessThanOrEqual(row.capacity!);
    });

    it('racing state changes move the session once, with one audit entry', async () => {
      const id = await schedule(A, FA);
      const FA2 = await newMember(t, A, { role: 'FACILITATOR' });
      const results = await Promise.all(
        [FA, FA2, FA, FA2, FA, FA2].map((who, i) =>
          t.gql(SET_STATE, { input: { sessionId: id, state: i % 2 ? 'LIVE' : 'CANCELLED' } }, who.token),
        ),
      );
      results.forEach(expectNoInternals);
      const moves = await t.dataSource.query<{ n: number }[]>(
        "SELECT count(*)::int AS n FROM audit_entries WHERE action = 'session.state_changed' AND subject_id = $1",
        [id],
      );
      expect(moves[0].n).toBe(1);
      for (const res of results.filter((r) => r.errors)) expect(codes(res)).toEqual(['CONFLICT']);
    });

    it('concurrent upvotes by one member count once', async () => {
      const id = await schedule(A, FA);
      const q = await ask(id, MA, 'Racing votes');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => t.gql(UPVOTE, { input: { questionId: q } }, MA2.token)),
      );
      results.forEach(expectNoInternals);
      expect((await t.dataSource.getRepository(QuestionEntity).findOneByOrFail({ id: q })).votes).toBe(1);
    });
  });

  describe('state rules', () => {
    it('takes no upvote once the session has ended or been cancelled', async () => {
      for (const path of [['LIVE', 'ENDED'], ['CANCELLED']]) {
        const id = await schedule(A, FA);
        const q = await ask(id, MA, 'Before the end');
        for (const state of path) await t.ok(SET_STATE, { input: { sessionId: id, state } }, FA.token);
        const res = await t.gql(UPVOTE, { input: { questionId: q } }, MA2.token);
        expect({ path, code: codes(res) }).toEqual({ path, code: ['CONFLICT'] });
        expect((await t.dataSource.getRepository(QuestionEntity).findOneByOrFail({ id: q })).votes).toBe(0);
      }
    });
  });

  describe('bad input', () => {
    it('never answers 500 and names the field', async () => {
      const cases: [string, string, Record<string, unknown>, string | null][] = [
        [
          'far past start (see the out-of-range test)',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: 'x',
              abstract: 'x',
              startsAt: '-200000-01-01T00:00:00Z',
              endsAt: '-200000-01-01T01:00:00Z',
            },
          },
          null,
        ],
        [
          'bad date',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: 'x',
              abstract: 'x',
              startsAt: '2031-02-30T00:00:00Z',
              endsAt: '2031-03-01T01:00:00Z',
            },
          },
          null,
        ],
        [
          'blank title',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: '   ',
              abstract: 'x',
              startsAt: '2031-01-01T00:00:00Z',
              endsAt: '2031-01-01T01:00:00Z',
            },
          },
          'title',
        ],
        [
          'capacity 0',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: 'x',
              abstract: 'x',
              startsAt: '2031-01-01T00:00:00Z',
              endsAt: '2031-01-01T01:00:00Z',
              capacity: 0,
            },
          },
          'capacity',
        ],
        [
          'bad zone',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: 'x',
              abstract: 'x',
              startsAt: '2031-01-01T00:00:00Z',
              endsAt: '2031-01-01T01:00:00Z',
              timeZone: 'Mars/Olympus',
            },
          },
          'timeZone',
        ],
        [
          'bad expert id',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: 'x',
              abstract: 'x',
              startsAt: '2031-01-01T00:00:00Z',
              endsAt: '2031-01-01T01:00:00Z',
              expertMembershipIds: ['nope'],
            },
          },
          'expertMembershipIds',
        ],
        [
          'member as expert',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: 'x',
              abstract: 'x',
              startsAt: '2031-01-01T00:00:00Z',
              endsAt: '2031-01-01T01:00:00Z',
              expertMembershipIds: [MA.membershipId],
            },
          },
          'expertMembershipIds',
        ],
        [
          'too long',
          SCHEDULE,
          {
            input: {
              cohortId: A,
              title: 'x',
              abstract: 'x',
              startsAt: '2031-01-01T00:00:00Z',
              endsAt: '2031-01-09T01:00:00Z',
            },
          },
          'endsAt',
        ],
        ['NUL in question', ASK, { input: { sessionId: granted, body: 'a\u0000b' } }, null],
        ['javascript url', SET_RECORDING, { input: { sessionId: granted, url: 'javascript:alert(1)' } }, 'url'],
        [
          'empty takeaway',
          OUTCOME,
          { input: { sessionId: granted, summary: 'x', keyTakeaways: ['  '] } },
          'keyTakeaways',
        ],
        ['to before from', SESSIONS, { cohortId: A, from: '2031-01-02T00:00:00Z', to: '2031-01-01T00:00:00Z' }, 'to'],
        ['far past from (see the out-of-range test)', SESSIONS, { cohortId: A, from: '-200000-01-01T00:00:00Z' }, null],
        ['bad cursor', SESSIONS, { cohortId: A, after: 'not-a-cursor' }, null],
        ['update far end', UPDATE, { input: { sessionId: membersOnly, endsAt: '+275000-01-01T00:00:00Z' } }, 'endsAt'],
      ];
      const before = await snapshot();
      for (const [label, doc, vars, field] of cases) {
        const res = await t.gql(doc, vars, FA.token);
        expectNoInternals(res);
        expect({ label, code: codes(res) }).toEqual({ label, code: ['BAD_USER_INPUT'] });
        if (field) expect({ label, field: res.errors?.[0].extensions?.field }).toEqual({ label, field });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('a date PostgreSQL cannot hold is BAD_USER_INPUT naming the field', async () => {
      const far = '-200000-01-01T00:00:00Z';
      const scheduled = await scheduleRaw(A, FA, { startsAt: far, endsAt: '-200000-01-01T01:00:00Z' });
      expectNoInternals(scheduled);
      expect(scheduled.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startsAt' });
      const listed = await t.gql(SESSIONS, { cohortId: A, from: far }, FA.token);
      expectNoInternals(listed);
      expect(listed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    });

    it('a refused schedule or update writes nothing: no session, no grant, no need change', async () => {
      const vendor = await person(A, 'VENDOR', 'Hal Halfwritten', { ministry: 'private-sector' });
      const before = await snapshot();
      const refused = await scheduleRaw(A, FA, {
        expertMembershipIds: [vendor.membershipId],
        needIds: [needA, needB],
      });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'needIds' });
      const refusedThread = await scheduleRaw(A, FA, {
        expertMembershipIds: [vendor.membershipId],
        needIds: [needA],
        followUpThreadId: threadB,
      });
      expect(refusedThread.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'followUpThreadId' });
      const refusedUpdate = await t.gql(
        UPDATE,
        {
          input: { sessionId: membersOnly, expertMembershipIds: [vendor.membershipId], endsAt: '2000-01-01T00:00:00Z' },
        },
        FA.token,
      );
      expect(refusedUpdate.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
      const refusedUpdate2 = await t.gql(
        UPDATE,
        { input: { sessionId: membersOnly, expertMembershipIds: [vendor.membershipId, MA.membershipId] } },
        FA.token,
      );
      expect(refusedUpdate2.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(await snapshot()).toEqual(before);
      expect((await memberRow(vendor.membershipId)).grantedSessionIds).toEqual([]);
      expect((await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: needA })).linkedSessionId).toBeNull();
      expect(codes(await t.gql(SESSION, { id: membersOnly }, vendor.token))).toEqual(['NOT_FOUND']);
    });
  });
});
