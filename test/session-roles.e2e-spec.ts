import { In } from 'typeorm';
import { Permission, VendorAccess } from '../src/charter/charter-policy.js';
import { CharterVersionEntity } from '../src/charter/charter.entity.js';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { NeedEntity } from '../src/needs/need.entity.js';
import { QuestionEntity, QuestionVoteEntity } from '../src/sessions/question.entity.js';
import { SessionEntity, SessionRsvpEntity, SessionState } from '../src/sessions/session.entity.js';
import { newMember, ROLES, type TestMember } from './harness/factories.js';
import {
  type ActorKind,
  type Actors,
  actorsIn,
  OUTSIDERS,
  type RoleOperation,
  roleTable,
  row,
} from './harness/role-table.js';
import { startTestApp, type TestApp } from './harness/test-app.js';
import { SCHEDULE, SESSION, RSVP, ASK, UPVOTE, SET_STATE, SET_RECORDING } from './harness/session-documents.js';

/**
 * The contract's role table for expert sessions and their Q&A: every kind of caller against every
 * operation, asserting the exact outcome and, for refused writes, that nothing changed.
 *
 * The fixture's cohort has three sessions: `expert`, where the SCHOLAR and VENDOR actors speak
 * (and so are granted it); `granted`, granted to both without their speaking; and `closed`, granted
 * to nobody. Each has one question asked by a member.
 */
interface Fixture extends Actors {
  sessionId: string;
  grantedSessionId: string;
  closedSessionId: string;
  questionId: string;
  grantedQuestionId: string;
  closedQuestionId: string;
  needId: string;
}

const SESSIONS = `query ($cohortId: ID!, $from: DateTime, $to: DateTime) {
  sessions(cohortId: $cohortId, from: $from, to: $to) { edges { node { id title } } }
}`;
const UPDATE = 'mutation ($input: UpdateSessionInput!) { updateSession(input: $input) { id title } }';
const HIDE = 'mutation ($input: HideQuestionInput!) { hideQuestion(input: $input) { id hidden } }';
const MARK_ANSWERED =
  'mutation ($input: MarkQuestionAnsweredInput!) { markQuestionAnswered(input: $input) { id answered } }';
const OUTCOME =
  'mutation ($input: RecordSessionOutcomeInput!) { recordSessionOutcome(input: $input) { id outcomeSummary } }';
const LINK = 'mutation ($input: LinkNeedToSessionInput!) { linkNeedToSession(input: $input) { id status } }';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface SessionsData {
  sessions: { edges: { node: { id: string } }[] };
}
interface SessionData {
  session: { questions: { edges: unknown[] } };
}

type Operation = RoleOperation<Fixture>;

/** Whoever may not read the object learns nothing about it, not even that it exists. */
const NOBODY_ELSE = 'NOT_FOUND';
/** Who reads a session granted to the SCHOLAR and VENDOR actors (observers are kept out by default). */
const GRANTED_READERS = { FACILITATOR: 'ok', MEMBER: 'ok', SCHOLAR: 'ok', VENDOR: 'ok' } as const;
/** Who reads a session granted to nobody. */
const FULL_MEMBERS = { FACILITATOR: 'ok', MEMBER: 'ok' } as const;
/** Facilitator-only writes on a session the others can read: they are refused, not kept in the dark. */
const FACILITATOR_WRITE = row(
  { FACILITATOR: 'ok', MEMBER: 'FORBIDDEN', SCHOLAR: 'FORBIDDEN', VENDOR: 'FORBIDDEN' },
  NOBODY_ELSE,
);

const sessionRow = (t: TestApp, id: string) => t.dataSource.getRepository(SessionEntity).findOneByOrFail({ id });
const questionRow = (t: TestApp, id: string) => t.dataSource.getRepository(QuestionEntity).findOneByOrFail({ id });

const rsvps = (t: TestApp, sessionId: string) => t.dataSource.getRepository(SessionRsvpEntity).countBy({ sessionId });
const questionsOf = (t: TestApp, sessionId: string) =>
  t.dataSource.getRepository(QuestionEntity).countBy({ sessionId });
const votesOn = async (t: TestApp, questionId: string) => ({
  votes: (await questionRow(t, questionId)).votes,
  rows: await t.dataSource.getRepository(QuestionVoteEntity).countBy({ questionId }),
});

/** Changes the policy of the charter in force in place: enforcement reads it on every request. */
const setPolicy = async (
  t: TestApp,
  f: Fixture,
  policy: Partial<Pick<CharterVersionEntity, 'recording' | 'observers' | 'vendorAccess'>>,
) => {
  const updated = await t.dataSource.getRepository(CharterVersionEntity).update({ cohortId: f.cohortId }, policy);
  expect(updated.affected).toBe(1);
};

const hide = async (t: TestApp, questionId: string) => {
  await t.dataSource
    .getRepository(QuestionEntity)
    .update({ id: questionId }, { hiddenAt: new Date(), hiddenReason: 'Names an official' });
};

const scheduleInput = (t: TestApp, f: Fixture) => {
  const startsAt = new Date(t.clock.now().getTime() + 2 * DAY);
  return {
    cohortId: f.cohortId,
    title: 'Financing school feeding',
    abstract: 'What the evidence says',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
  };
};

const OPERATIONS: Operation[] = [
  {
    // Creating is judged through the cohort, which every member and the admin can read.
    name: 'scheduleSession',
    expected: row({ FACILITATOR: 'ok', ...OUTSIDERS }, 'FORBIDDEN'),
    run: (t, f, token) => t.gql(SCHEDULE, { input: scheduleInput(t, f) }, token),
    state: (t, f) => t.dataSource.getRepository(SessionEntity).countBy({ cohortId: f.cohortId }),
  },
  {
    name: 'scheduleSession (with experts and a need)',
    expected: row({ FACILITATOR: 'ok', ...OUTSIDERS }, 'FORBIDDEN'),
    run: (t, f, token) =>
      t.gql(
        SCHEDULE,
        {
          input: {
            ...scheduleInput(t, f),
            expertMembershipIds: [f.memberships.SCHOLAR, f.memberships.VENDOR],
            needIds: [f.needId],
          },
        },
        token,
      ),
    state: async (t, f) => ({
      sessions: await t.dataSource.getRepository(SessionEntity).countBy({ cohortId: f.cohortId }),
      grants: (
        await t.dataSource.getRepository(MembershipEntity).findBy({
          id: In([f.memberships.SCHOLAR, f.memberships.VENDOR]),
        })
      ).map((m) => m.grantedSessionIds.length),
      need: (await t.dataSource.getRepository(NeedEntity).findOneByOrFail({ id: f.needId })).status,
    }),
  },
  {
    name: 'updateSession',
    expected: FACILITATOR_WRITE,
    run: (t, f, token) => t.gql(UPDATE, { input: { sessionId: f.sessionId, title: 'Retitled' } }, token),
    state: (t, f) => sessionRow(t, f.sessionId).then((s) => s.title),
  },
  {
    name: 'updateSession (session granted to nobody)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, NOBODY_ELSE),
    run: (t, f, token) => t.gql(UPDATE, { input: { sessionId: f.closedSessionId, title: 'Retitled' } }, token),
    state: (t, f) => sessionRow(t, f.closedSessionId).then((s) => s.title),
  },
  {
    name: 'session (SCHOLAR and VENDOR speak)',
    expected: row(GRANTED_READERS, NOBODY_ELSE),
    run: (t, f, token) => t.gql(SESSION, { id: f.sessionId }, token),
    count: (data) => (data as SessionData).session.questions.edges.length,
  },
  {
    name: 'session (granted, not speaking)',
    expected: row(GRANTED_READERS, NOBODY_ELSE),
    run: (t, f, token) => t.gql(SESSION, { id: f.grantedSessionId }, token),
    count: (data) => (data as SessionData).session.questions.edges.length,
  },
  {
    name: 'session (granted to nobody)',
    expected: row(FULL_MEMBERS, NOBODY_ELSE),
    run: (t, f, token) => t.gql(SESSION, { id: f.closedSessionId }, token),
    count: (data) => (data as SessionData).session.questions.edges.length,
  },
  {
    // A hidden question is left out for everyone but facilitators.
    name: 'session Q&A (its one question hidden)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'empty', SCHOLAR: 'empty', VENDOR: 'empty' }, NOBODY_ELSE),
    prepare: (t, f) => hide(t, f.questionId),
    run: (t, f, token) => t.gql(SESSION, { id: f.sessionId }, token),
    count: (data) => (data as SessionData).session.questions.edges.length,
  },
  {
    name: 'session (charter admits observers)',
    expected: row({ ...GRANTED_READERS, OBSERVER: 'ok' }, NOBODY_ELSE),
    prepare: (t, f) => setPolicy(t, f, { observers: Permission.ALLOWED }),
    run: (t, f, token) => t.gql(SESSION, { id: f.sessionId }, token),
    count: (data) => (data as SessionData).session.questions.edges.length,
  },
  {
    name: 'session (charter vendorAccess NONE)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok', SCHOLAR: 'ok' }, NOBODY_ELSE),
    prepare: (t, f) => setPolicy(t, f, { vendorAccess: VendorAccess.NONE }),
    run: (t, f, token) => t.gql(SESSION, { id: f.sessionId }, token),
  },
  {
    name: 'sessions (list)',
    expected: row({ ...GRANTED_READERS, ...OUTSIDERS }, 'empty'),
    run: (t, f, token) => t.gql(SESSIONS, { cohortId: f.cohortId }, token),
    count: (data) => (data as SessionsData).sessions.edges.length,
  },
  {
    name: 'sessions (from, to around them)',
    expected: row({ ...GRANTED_READERS, ...OUTSIDERS }, 'empty'),
    run: (t, f, token) => {
      const now = t.clock.now().getTime();
      return t.gql(
        SESSIONS,
        {
          cohortId: f.cohortId,
          from: new Date(now).toISOString(),
          to: new Date(now + 30 * DAY).toISOString(),
        },
        token,
      );
    },
    count: (data) => (data as SessionsData).sessions.edges.length,
  },
  {
    name: 'sessions (charter admits observers)',
    expected: row({ ...GRANTED_READERS, OBSERVER: 'ok', ...OUTSIDERS }, 'empty'),
    prepare: (t, f) => setPolicy(t, f, { observers: Permission.ALLOWED }),
    run: (t, f, token) => t.gql(SESSIONS, { cohortId: f.cohortId }, token),
    count: (data) => (data as SessionsData).sessions.edges.length,
  },
  {
    name: 'rsvp',
    expected: row(GRANTED_READERS, NOBODY_ELSE),
    run: (t, f, token) => t.gql(RSVP, { input: { sessionId: f.sessionId, status: 'GOING' } }, token),
    state: (t, f) => rsvps(t, f.sessionId),
  },
  {
    name: 'rsvp (session granted to nobody)',
    expected: row(FULL_MEMBERS, NOBODY_ELSE),
    run: (t, f, token) => t.gql(RSVP, { input: { sessionId: f.closedSessionId, status: 'MAYBE' } }, token),
    state: (t, f) => rsvps(t, f.closedSessionId),
  },
  {
    name: 'rsvp (charter admits observers)',
    expected: row({ ...GRANTED_READERS, OBSERVER: 'ok' }, NOBODY_ELSE),
    prepare: (t, f) => setPolicy(t, f, { observers: Permission.ALLOWED }),
    run: (t, f, token) => t.gql(RSVP, { input: { sessionId: f.sessionId, status: 'GOING' } }, token),
    state: (t, f) => rsvps(t, f.sessionId),
  },
  {
    // Vendors read their sessions but never ask.
    name: 'askQuestion',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok', SCHOLAR: 'ok', VENDOR: 'FORBIDDEN' }, NOBODY_ELSE),
    run: (t, f, token) => t.gql(ASK, { input: { sessionId: f.sessionId, body: 'How was it funded?' } }, token),
    state: (t, f) => questionsOf(t, f.sessionId),
  },
  {
    name: 'askQuestion (session granted to nobody)',
    expected: row(FULL_MEMBERS, NOBODY_ELSE),
    run: (t, f, token) => t.gql(ASK, { input: { sessionId: f.closedSessionId, body: 'How was it funded?' } }, token),
    state: (t, f) => questionsOf(t, f.closedSessionId),
  },
  {
    // Observers admitted by the charter read and answer RSVPs, never ask.
    name: 'askQuestion (charter admits observers)',
    expected: row(
      { FACILITATOR: 'ok', MEMBER: 'ok', SCHOLAR: 'ok', VENDOR: 'FORBIDDEN', OBSERVER: 'FORBIDDEN' },
      NOBODY_ELSE,
    ),
    prepare: (t, f) => setPolicy(t, f, { observers: Permission.ALLOWED }),
    run: (t, f, token) => t.gql(ASK, { input: { sessionId: f.sessionId, body: 'How was it funded?' } }, token),
    state: (t, f) => questionsOf(t, f.sessionId),
  },
  {
    name: 'upvoteQuestion',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'ok', SCHOLAR: 'ok', VENDOR: 'FORBIDDEN' }, NOBODY_ELSE),
    run: (t, f, token) => t.gql(UPVOTE, { input: { questionId: f.questionId } }, token),
    state: (t, f) => votesOn(t, f.questionId),
  },
  {
    name: 'upvoteQuestion (session granted to nobody)',
    expected: row(FULL_MEMBERS, NOBODY_ELSE),
    run: (t, f, token) => t.gql(UPVOTE, { input: { questionId: f.closedQuestionId } }, token),
    state: (t, f) => votesOn(t, f.closedQuestionId),
  },
  {
    name: 'upvoteQuestion (hidden question)',
    expected: row({ FACILITATOR: 'ok' }, NOBODY_ELSE),
    prepare: (t, f) => hide(t, f.questionId),
    run: (t, f, token) => t.gql(UPVOTE, { input: { questionId: f.questionId } }, token),
    state: (t, f) => votesOn(t, f.questionId),
  },
  {
    name: 'hideQuestion',
    expected: FACILITATOR_WRITE,
    run: (t, f, token) => t.gql(HIDE, { input: { questionId: f.questionId, reason: 'Names an official' } }, token),
    state: (t, f) => questionRow(t, f.questionId).then((q) => q.hiddenAt),
  },
  {
    name: 'hideQuestion (session granted to nobody)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, NOBODY_ELSE),
    run: (t, f, token) =>
      t.gql(HIDE, { input: { questionId: f.closedQuestionId, reason: 'Names an official' } }, token),
    state: (t, f) => questionRow(t, f.closedQuestionId).then((q) => q.hiddenAt),
  },
  {
    // The speakers mark their session's questions answered.
    name: 'markQuestionAnswered (SCHOLAR and VENDOR speak)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN', SCHOLAR: 'ok', VENDOR: 'ok' }, NOBODY_ELSE),
    run: (t, f, token) => t.gql(MARK_ANSWERED, { input: { questionId: f.questionId } }, token),
    state: (t, f) => questionRow(t, f.questionId).then((q) => q.answeredAt),
  },
  {
    // Granted the session, they read it, but they do not speak in it.
    name: 'markQuestionAnswered (granted, not speaking)',
    expected: FACILITATOR_WRITE,
    run: (t, f, token) => t.gql(MARK_ANSWERED, { input: { questionId: f.grantedQuestionId } }, token),
    state: (t, f) => questionRow(t, f.grantedQuestionId).then((q) => q.answeredAt),
  },
  {
    name: 'markQuestionAnswered (session granted to nobody)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, NOBODY_ELSE),
    run: (t, f, token) => t.gql(MARK_ANSWERED, { input: { questionId: f.closedQuestionId } }, token),
    state: (t, f) => questionRow(t, f.closedQuestionId).then((q) => q.answeredAt),
  },
  {
    // A hidden question is gone for everyone but facilitators, its speakers included: whoever
    // does not moderate learns nothing about it, as for a missing id.
    name: 'markQuestionAnswered (hidden question)',
    expected: row({ FACILITATOR: 'ok' }, NOBODY_ELSE),
    prepare: (t, f) => hide(t, f.questionId),
    run: (t, f, token) => t.gql(MARK_ANSWERED, { input: { questionId: f.questionId } }, token),
    state: (t, f) => questionRow(t, f.questionId).then((q) => q.answeredAt),
  },
  {
    name: 'setSessionState',
    expected: FACILITATOR_WRITE,
    run: (t, f, token) => t.gql(SET_STATE, { input: { sessionId: f.sessionId, state: 'LIVE' } }, token),
    state: (t, f) => sessionRow(t, f.sessionId).then((s) => s.state),
  },
  {
    name: 'setSessionState (session granted to nobody)',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, NOBODY_ELSE),
    run: (t, f, token) => t.gql(SET_STATE, { input: { sessionId: f.closedSessionId, state: 'CANCELLED' } }, token),
    state: (t, f) => sessionRow(t, f.closedSessionId).then((s) => s.state),
  },
  {
    // The default charter forbids recording, so even the facilitator is refused.
    name: 'setRecording (charter forbids recording)',
    expected: row(
      { FACILITATOR: 'FORBIDDEN', MEMBER: 'FORBIDDEN', SCHOLAR: 'FORBIDDEN', VENDOR: 'FORBIDDEN' },
      NOBODY_ELSE,
    ),
    run: (t, f, token) =>
      t.gql(SET_RECORDING, { input: { sessionId: f.sessionId, url: 'https://media.example/rec/1' } }, token),
    state: (t, f) => sessionRow(t, f.sessionId).then((s) => s.recordingUrl),
  },
  {
    name: 'setRecording (charter allows recording)',
    expected: FACILITATOR_WRITE,
    prepare: (t, f) => setPolicy(t, f, { recording: Permission.ALLOWED }),
    run: (t, f, token) =>
      t.gql(SET_RECORDING, { input: { sessionId: f.sessionId, url: 'https://media.example/rec/1' } }, token),
    state: (t, f) => sessionRow(t, f.sessionId).then((s) => s.recordingUrl),
  },
  {
    name: 'recordSessionOutcome (ended session)',
    expected: FACILITATOR_WRITE,
    prepare: async (t, f) => {
      await t.dataSource.getRepository(SessionEntity).update({ id: f.sessionId }, { state: SessionState.ENDED });
    },
    run: (t, f, token) =>
      t.gql(
        OUTCOME,
        { input: { sessionId: f.sessionId, summary: 'Pool orders', keyTakeaways: ['Start small'] } },
        token,
      ),
    state: (t, f) => sessionRow(t, f.sessionId).then((s) => [s.outcomeSummary, s.keyTakeaways, s.outcomeRecordedAt]),
  },
  {
    // Needs are for full members: anyone else learns nothing about one.
    name: 'linkNeedToSession',
    expected: row({ FACILITATOR: 'ok', MEMBER: 'FORBIDDEN' }, NOBODY_ELSE),
    run: (t, f, token) => t.gql(LINK, { input: { needId: f.needId, sessionId: f.sessionId } }, token),
    state: (t, f) =>
      t.dataSource
        .getRepository(NeedEntity)
        .findOneByOrFail({ id: f.needId })
        .then((n) => ({ status: n.status, linkedSessionId: n.linkedSessionId })),
  },
];

/** Three sessions a day from now, each with one question; see `Fixture`. */
async function sessionsFor(t: TestApp, actors: Actors, author: TestMember) {
  const experts = [actors.memberships.SCHOLAR!, actors.memberships.VENDOR!];
  const startsAt = new Date(t.clock.now().getTime() + DAY);
  const save = (title: string, expertMembershipIds: string[]) =>
    t.dataSource.getRepository(SessionEntity).save({
      cohortId: actors.cohortId,
      title,
      abstract: 'Evidence from three countries',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      expertMembershipIds,
      createdById: author.id,
    });
  const expert = await save('School feeding at scale', experts);
  const granted = await save('Teacher deployment', []);
  const closed = await save('Budget negotiations', []);
  await t.dataSource
    .getRepository(MembershipEntity)
    .update({ id: In(experts) }, { grantedSessionIds: [expert.id, granted.id] });
  const ask = async (sessionId: string) =>
    (
      await t.dataSource.getRepository(QuestionEntity).save({
        cohortId: actors.cohortId,
        sessionId,
        authorMembershipId: author.membershipId,
        authorUserId: author.id,
        body: 'Who paid for it?',
      })
    ).id;
  return {
    sessionId: expert.id,
    grantedSessionId: granted.id,
    closedSessionId: closed.id,
    questionId: await ask(expert.id),
    grantedQuestionId: await ask(granted.id),
    closedQuestionId: await ask(closed.id),
  };
}

async function fixture(t: TestApp): Promise<Fixture> {
  const actors = await actorsIn(t);
  const author = await newMember(t, actors.cohortId, { role: 'MEMBER' });
  const need = await t.dataSource.getRepository(NeedEntity).save({
    cohortId: actors.cohortId,
    title: 'Financing school meals',
    description: 'Budgets do not stretch to rural schools',
    theme: 'nutrition',
    submittedByMembershipId: author.membershipId,
    submittedByUserId: author.id,
  });
  return { ...actors, ...(await sessionsFor(t, actors, author)), needId: need.id };
}

roleTable('sessions and questions by role', OPERATIONS, fixture);

describe('which sessions each role finds in the list', () => {
  let t: TestApp;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApp();
    f = await fixture(t);
  });
  afterAll(() => t.close());

  const listed = async (actor: ActorKind) =>
    (await t.ok<SessionsData>(SESSIONS, { cohortId: f.cohortId }, f.tokens[actor])).sessions.edges
      .map((e) => e.node.id)
      .sort();

  it.each(ROLES)('%s sees exactly the sessions it may read', async (role) => {
    const all = [f.sessionId, f.grantedSessionId, f.closedSessionId].sort();
    const granted = [f.sessionId, f.grantedSessionId].sort();
    const expected = { FACILITATOR: all, MEMBER: all, SCHOLAR: granted, VENDOR: granted, OBSERVER: [] };
    expect(await listed(role)).toEqual(expected[role]);
  });

  it('the admin, not a member, lists nothing', async () => {
    expect(await listed('ADMIN')).toEqual([]);
  });
});
